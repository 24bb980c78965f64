"""Small server-rendered SVG charts (no JavaScript, no external library)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_WIDTH = 640
_BAR_HEIGHT = 18
_LABEL_WIDTH = 260


def bar_chart(items: list[tuple[str, float]], *, unit: str) -> SafeString:
    """Horizontal bars, shortest (fastest) first, each labelled with its value."""
    items = sorted(items, key=lambda item: item[1])
    if not items:
        return mark_safe("")
    top = max(value for _, value in items) or 1.0
    span = _WIDTH - _LABEL_WIDTH - 80
    height = len(items) * (_BAR_HEIGHT + 6) + 6
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value) in enumerate(items):
        y = 6 + i * (_BAR_HEIGHT + 6)
        width = max(1.0, span * value / top)
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="12">{escape(label[:40])}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{_BAR_HEIGHT}" fill="#0b5cad"><title>'
            f"{escape(label)}: {value:.3f} {unit}</title></rect>"
            f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + 13}" font-size="12">{value:.2f} {unit}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(points: list[tuple[str, float]], *, unit: str) -> SafeString:
    """A polyline of one value per round, labelled on the x axis."""
    if not points:
        return mark_safe("")
    height, pad = 160, 36
    top = max(v for _, v in points) or 1.0
    step = (_WIDTH - 2 * pad) / max(1, len(points) - 1)
    coords = [
        (pad + i * step, height - pad - (height - 2 * pad) * v / top)
        for i, (_, v) in enumerate(points)
    ]
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)}"/>',
    ]
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#0b5cad"><title>{escape(label)}: {value:.3f} {unit}</title></circle>'
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" font-size="12">{escape(label)}</text>'
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11">{value:.2f}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
