"""A rule document as sanitised HTML: the whole of it, and each section on its own.

The document is rendered once, whole, so that numbers, cross references and attributes are
what the reader of the whole document sees; then the HTML is cut where each section's heading
starts, and every piece is sanitised on its own (the parser closes what a cut left open and
drops the closing tags of the section before). Pages can then show one section beside the
exceptions that change it. This is done when a revision is imported and stored, never when a
page is served.

Headings get our stable anchors as ids (see anchors.py), and links to asciidoctor's ids of
those headings (``<<benchmark_specific_rules>>``) follow them.

Two adjustments keep asciidoctor's sections the same as ours:

- A blank line is put before a heading that directly follows a text line: asciidoctor would
  read such a line as more of the paragraph, the sectioning rules read it as a heading.
- Headings are matched to asciidoctor's in order, by their shown title. A heading that
  asciidoctor does not render as one (one inside an example block or a table, say) gets no
  HTML of its own: its text stays in the section before, and a warning says so.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from roadmap.rules import asciidoctor
from roadmap.rules.lines import is_blank
from roadmap.rules.sanitize import AttributeFilter, sanitize_html
from roadmap.rules.sections import Section, SectionedDocument, raw_lines, split_sections

_RENDERED_HEADING = re.compile(
    r'<div class="sect(?P<div>[1-5])(?: [^"]*)?">\s*<h[2-6](?: id="(?P<div_id>[^"]*)")?[^>]*>'
    r"(?P<div_text>.*?)</h[2-6]>"
    r'|<h(?P<h>[1-6])(?: id="(?P<h_id>[^"]*)")? class="(?:sect0|discrete)(?: [^"]*)?">'
    r"(?P<h_text>.*?)</h[1-6]>",
    re.S,
)
_TAG = re.compile(r"<[^>]*>")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class RenderedDocument:
    html: str  # the whole document, sanitised
    sections: dict[str, str]  # anchor -> the section's own HTML (subsections have theirs)
    warnings: tuple[str, ...]  # asciidoctor's messages and ours, with lines of the source
    renderer: str  # "Asciidoctor 2.0.18"


@dataclass(frozen=True)
class _RenderedHeading:
    start: int  # where the section's HTML starts
    id: str | None
    key: str


def render_document(
    document: SectionedDocument | str,
    *,
    executable: str | None = None,
    timeout: float = asciidoctor.DEFAULT_TIMEOUT,
) -> RenderedDocument:
    """Render ``document`` with asciidoctor (safe mode) and sanitise it, whole and by section.

    Raises RenderError when asciidoctor is missing, fails or runs out of time.
    """
    doc = split_sections(document) if isinstance(document, str) else document
    prepared, original_line = _prepare(doc)
    command = asciidoctor.find_asciidoctor(executable)
    converted = asciidoctor.convert(prepared, executable=command, timeout=timeout)
    return assemble(
        doc,
        converted,
        original_line=original_line,
        renderer=asciidoctor.asciidoctor_version(command),
    )


def assemble(
    doc: SectionedDocument,
    converted: asciidoctor.Conversion,
    *,
    original_line: dict[int, int] | None = None,
    renderer: str = "",
) -> RenderedDocument:
    """Cut asciidoctor's HTML of ``doc`` into sections, point ids at anchors, and sanitise."""
    headings = _rendered_headings(converted.html)
    matches = _align(doc.sections[1:], headings)
    rewrite = _id_rewriter({h.id: s.anchor for s, h in matches if h.id})
    cuts = [h.start for _, h in matches] + [len(converted.html)]
    pieces = {doc.preamble.anchor: converted.html[: cuts[0]]}
    for (section, _), start, end in zip(matches, cuts, cuts[1:], strict=False):
        pieces[section.anchor] = converted.html[start:end]
    lines = original_line or {}
    warnings = [asciidoctor.shift_line_numbers(m, lines) for m in converted.messages]
    matched = {s.anchor for s, _ in matches}
    for section in doc.sections[1:]:
        if section.anchor not in matched:
            warnings.append(
                f"warning: line {section.heading_line}: asciidoctor did not render "
                f"{section.title!r} as a heading; its text shows in the section before"
            )
    return RenderedDocument(
        html=sanitize_html(converted.html, attribute_filter=rewrite),
        sections={
            s.anchor: sanitize_html(pieces.get(s.anchor, ""), attribute_filter=rewrite)
            for s in doc.sections
        },
        warnings=tuple(warnings),
        renderer=renderer,
    )


def _prepare(doc: SectionedDocument) -> tuple[str, dict[int, int]]:
    """The source with a blank line before each heading glued to the line above it, and the
    original line of every line of the result (both 1-based)."""
    raw = raw_lines(doc.source)
    starts = {s.first_line - 1 for s in doc.sections[1:]}
    out: list[str] = []
    original_line: dict[int, int] = {}
    for index, line in enumerate(raw):
        if index in starts and index > 0 and not is_blank(raw[index - 1]):
            out.append("\n")
        out.append(line)
        original_line[len(out)] = index + 1
    return "".join(out), original_line


def _rendered_headings(html: str) -> list[_RenderedHeading]:
    found = []
    for match in _RENDERED_HEADING.finditer(html):
        text = match["div_text"] if match["div"] else match["h_text"]
        heading_id = match["div_id"] if match["div"] else match["h_id"]
        found.append(_RenderedHeading(match.start(), heading_id, _key(_TAG.sub("", text))))
    return found


def _key(heading: str) -> str:
    """Titles compared by their words only: markup, quotes and entities render differently."""
    return _NOT_WORD.sub("", htmllib.unescape(heading).casefold())


def _align(
    sections: tuple[Section, ...], headings: list[_RenderedHeading]
) -> list[tuple[Section, _RenderedHeading]]:
    ours = [_key(s.heading) for s in sections]
    theirs = [h.key for h in headings]
    if ours == theirs:
        return list(zip(sections, headings, strict=True))
    pairs: list[tuple[Section, _RenderedHeading]] = []
    matcher = SequenceMatcher(None, ours, theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # Equal runs match; so do replaced runs of the same length, whose titles differ only
        # by what asciidoctor substitutes in them ({attributes}, (C), …).
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            pairs.extend(zip(sections[i1:i2], headings[j1:j2], strict=True))
    return pairs


def _id_rewriter(ids: dict[str, str]) -> AttributeFilter:
    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return ids.get(value, value)
        if attribute == "href" and value.startswith("#"):
            target = ids.get(value[1:])
            return f"#{target}" if target else value
        return value

    return rewrite
