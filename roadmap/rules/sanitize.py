"""The HTML that rule pages may show: what asciidoctor writes, minus anything that can run.

Rule documents are written by people, and passthrough blocks (``++++``) and ``pass:[]`` copy
their HTML straight into the output, so every rendered document goes through nh3 (ammonia)
with an allow-list: no script or style element (their content goes too), no event handler or
inline style beyond table widths and alignment, and links only to http, https, mailto or an
anchor in the page.
"""

from __future__ import annotations

from collections.abc import Callable

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "table": {"style"},
    "col": {"style", "span"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
}
# Content removed with the element: what a browser would run or apply to the whole page.
_REMOVED_WITH_CONTENT = {"script", "style"}
_STYLE_PROPERTIES = {"width", "text-align", "vertical-align"}
_URL_SCHEMES = {"http", "https", "mailto"}

AttributeFilter = Callable[[str, str, str], str | None]


def sanitize_html(html: str, *, attribute_filter: AttributeFilter | None = None) -> str:
    """``html`` with only the allowed elements, attributes, styles and URL schemes left.

    ``attribute_filter(tag, attribute, value)`` may rewrite an allowed attribute (for example
    an id) or drop it by returning None. What it returns is NOT checked again (nh3 applies the
    URL schemes before the filter), so it must only return values that are safe as they are.
    """
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_REMOVED_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=_URL_SCHEMES,
        filter_style_properties=_STYLE_PROPERTIES,
        link_rel="noopener noreferrer nofollow",
    )
