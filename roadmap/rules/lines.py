"""What one line of AsciiDoc source is, as far as sectioning cares.

The patterns follow asciidoctor 2 (``rx.rb`` and ``parser.rb``), which renders these documents,
so that the sections we cut agree with the sections readers see: a heading is one to six ``=``
or ``#`` markers, a blank, then the title, optionally closed by the same markers again
(``== Title ==``). Seven markers are not a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(={1,6}|#{1,6})[ \t]+(.+?)(?:[ \t]+\1)?$")
# Only a trailing anchor is part of the heading syntax; one inside the title is text.
_TRAILING_ANCHOR = re.compile(r"\s*\[\[([^\[\]]*)\]\]$")
_ATTRIBUTE_ENTRY = re.compile(r"^:(!?)([A-Za-z0-9_][A-Za-z0-9_-]*)(!?):(?:[ \t]+(.*))?$")
_BLOCK_ATTRIBUTES = re.compile(r"^\[(?:\[[^\[\]]*\]|[^\[\]].*)?\]$")
_BLOCK_STYLE = re.compile(r"^\[([A-Za-z][\w-]*)(?=[\],#.%])")
_BLOCK_ID = re.compile(r"^\[(?:\[([^\[\],]+)(?:,[^\]]*)?\]|[A-Za-z-]*#([^\],.%]+)[^\]]*)\]$")
# Delimited blocks whose lines are never headings: the list (listing, literal,
# passthrough, comment, quote, sidebar, fences) and the other AsciiDoc blocks that asciidoctor
# never reads a heading in (example ``====``, open ``--``, tables ``|===``), because a heading
# the renderer does not see would shift every section number after it. The four-character
# delimiters may be longer, and a block closes only on the very line that opened it.
_DELIMITER = re.compile(r"^(-{4,}|\.{4,}|\+{4,}|/{4,}|_{4,}|\*{4,}|={4,}|--|[|!,:]={3,})$")
# Inside these nothing nests: every line is content until the closing line.
_VERBATIM = re.compile(r"^(-{4,}|\.{4,}|\+{4,}|/{4,}|```)$")
# asciidoctor reads ``Title`` over a uniform line of one of these as a two-line section title.
_SETEXT_UNDERLINE_CHARS = frozenset("=-~^+")
_SETEXT_TITLE = re.compile(r"^(?!\.).*?[^\W_].*$")


@dataclass(frozen=True)
class Heading:
    level: int  # asciidoctor's section level: `=`/`#` is 0 (the title), `==`/`##` is 1, …
    title: str  # without markers and trailing anchor, white space folded
    anchor_id: str | None  # the `[[id]]` that ended the line, if any


def fold_whitespace(text: str) -> str:
    """Every run of white space as one space, none at either end: how sections are compared."""
    return " ".join(text.split())


def parse_heading(line: str) -> Heading | None:
    """The heading on ``line`` (already without its line ending), or None."""
    match = _HEADING.match(line.rstrip())
    if match is None:
        return None
    markers, raw_title = match.groups()
    anchor_id = None
    anchor = _TRAILING_ANCHOR.search(raw_title)
    if anchor is not None:
        anchor_id = anchor.group(1).split(",", 1)[0].strip() or None
        raw_title = raw_title[: anchor.start()]
    title = fold_whitespace(raw_title)
    if not title:
        return None
    return Heading(level=len(markers) - 1, title=title, anchor_id=anchor_id)


def opening_delimiter(line: str) -> str | None:
    """The delimiter this line opens a block with, or None. Fences open as "```"."""
    stripped = line.rstrip()
    if stripped.startswith("```"):
        return "```"
    return stripped if _DELIMITER.match(stripped) else None


def is_verbatim(delimiter: str) -> bool:
    return bool(_VERBATIM.match(delimiter))


def closes(delimiter: str, line: str) -> bool:
    return line.rstrip() == delimiter


def is_setext_underline(title_line: str, line: str) -> bool:
    """True when asciidoctor would read ``line`` as the underline of a two-line title.

    We do not count two-line titles as headings (the sectioning rules name only `=` and `#`
    lines), but such an underline must not open a `----` or `++++` block either: asciidoctor
    does not open one there, and a block that never closes would hide every later heading.
    """
    stripped, title = line.rstrip(), title_line.rstrip()
    if not stripped or stripped[0] not in _SETEXT_UNDERLINE_CHARS:
        return False
    if stripped != stripped[0] * len(stripped):
        return False
    return bool(_SETEXT_TITLE.match(title)) and abs(len(title) - len(stripped)) < 2


def attribute_entry(line: str) -> tuple[str, str | None] | None:
    """``:name: value`` as (name, value); an unset (``:name!:`` or ``:!name:``) gives None."""
    match = _ATTRIBUTE_ENTRY.match(line.rstrip())
    if match is None:
        return None
    bang_before, name, bang_after, value = match.groups()
    if bang_before or bang_after:
        return name, None
    return name, (value or "").strip()


def is_block_attribute_line(line: str) -> bool:
    """A ``[style,…]``, ``[#id]`` or ``[[id]]`` line: it belongs to the block below it."""
    return bool(_BLOCK_ATTRIBUTES.match(line.rstrip()))


def block_style(line: str) -> str | None:
    """The style (first positional attribute) of a block attribute line, e.g. ``appendix``."""
    match = _BLOCK_STYLE.match(line.rstrip())
    return match.group(1) if match else None


def block_id(line: str) -> str | None:
    """The id set by a ``[[id]]`` or ``[style#id]`` line."""
    match = _BLOCK_ID.match(line.rstrip())
    if match is None:
        return None
    return (match.group(1) or match.group(2) or "").strip() or None


def is_blank(line: str) -> bool:
    return not line.strip()
