"""Small server-rendered bar charts in HTML and CSS (no JavaScript, no external library).

Labels are text in the page, not in a scaled SVG: they keep the page's font size on any screen,
wrap instead of being cut off, and the bars take whatever width is left.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def bar_chart(items: list[tuple[str, float]], *, unit: str, keep_order: bool = False) -> SafeString:
    """Horizontal bars, shortest (fastest) first unless ``keep_order``, each with its value."""
    if not items:
        return mark_safe("")
    if not keep_order:
        items = sorted(items, key=lambda item: item[1])
    top = max(value for _, value in items) or 1.0
    rows = format_html_join(
        "",
        '<li><span class="bar-label">{}</span><span class="bar-track" aria-hidden="true">'
        '<span class="bar" style="width: {}%"></span></span>'
        '<span class="bar-value">{} {}</span></li>',
        (
            (label, f"{max(0.5, 100 * value / top):.1f}", f"{value:.2f}", unit)
            for label, value in items
        ),
    )
    return format_html('<ol class="bars">{}</ol>', rows)
