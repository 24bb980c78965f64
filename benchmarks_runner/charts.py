"""The accuracy curve of a run: a small server-rendered SVG, redrawn as the run progresses."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_W, _H, _PAD = 640, 220, 40


def accuracy_curve(
    points: list[list[float]], *, target: float | None, higher_is_better: bool, unit: str
) -> SafeString:
    """``points`` are [epoch, value, elapsed seconds]; the dashed line is the target."""
    if not points:
        return mark_safe("")
    xs = [p[0] for p in points]
    values = [p[1] for p in points] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    if high == low:
        high, low = high + 1e-9, low - 1e-9
    x_max = max(max(xs), 1)

    def x(v: float) -> float:
        return _PAD + (_W - 2 * _PAD) * (v / x_max)

    def y(v: float) -> float:
        return _H - _PAD - (_H - 2 * _PAD) * (v - low) / (high - low)

    line = " ".join(f"{x(p[0]):.1f},{y(p[1]):.1f}" for p in points)
    parts = [
        f'<svg class="chart" role="img" aria-label="accuracy curve" data-testid="curve" '
        f'data-points="{len(points)}" viewBox="0 0 {_W} {_H}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#999"/>',
        f'<line x1="{_PAD}" y1="{_PAD}" x2="{_PAD}" y2="{_H - _PAD}" stroke="#999"/>',
        f'<text x="{_W / 2}" y="{_H - 8}" text-anchor="middle" font-size="12">epoch</text>',
        f'<text x="{_PAD}" y="{_H - _PAD + 14}" text-anchor="middle" font-size="10">0</text>',
        f'<text x="{x(x_max):.1f}" y="{_H - _PAD + 14}" text-anchor="middle" font-size="10">'
        f"{x_max:g}</text>",
        f'<text x="4" y="{_PAD - 12}" font-size="12">{escape(unit)}</text>',
        f'<text x="{_PAD - 4}" y="{_PAD + 4}" text-anchor="end" font-size="10">{high:.3g}</text>',
        f'<text x="{_PAD - 4}" y="{_H - _PAD}" text-anchor="end" font-size="10">{low:.3g}</text>',
    ]
    if target is not None:
        sense = "≥" if higher_is_better else "≤"
        parts.append(
            f'<line x1="{_PAD}" y1="{y(target):.1f}" x2="{_W - _PAD}" y2="{y(target):.1f}" '
            f'stroke="#1e7b34" stroke-dasharray="6 4"/><text x="{_W - _PAD}" '
            f'y="{y(target) - 4:.1f}" text-anchor="end" font-size="11" fill="#1e7b34">'
            f"target {sense} {target:g}</text>"
        )
    parts.append(f'<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="{line}"/>')
    last = points[-1]
    parts.append(
        f'<circle cx="{x(last[0]):.1f}" cy="{y(last[1]):.1f}" r="4" fill="#0b5cad">'
        f"<title>epoch {last[0]:g}: {last[1]:.4g}</title></circle></svg>"
    )
    return mark_safe("".join(parts))
