"""Cutting a rule document into sections.

A section is a heading and the text up to the next heading of any level. Headings are `=` and
Markdown-style `#` lines (see ``lines``); the first level-0 line before any other heading is the
document's title and belongs to no section; lines inside delimited blocks are never headings.
Text before the first section is the section ``(preamble)``, present in every document (empty
when nothing precedes the first heading) so that two revisions always have one to compare.

Block attribute lines directly above a heading (``[appendix]``, ``[#run-results]``,
``[[id]]``) start that heading's section, not the end of the one before: in AsciiDoc they are
part of the heading (its style and id), so changing them is a change of that section.

Every line of the source belongs to exactly one section, except the title line: joining the
sections' text with the title line at its place gives back the source, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from roadmap.rules import lines as ln
from roadmap.rules.anchors import PREAMBLE_ANCHOR, AnchorAllocator
from roadmap.rules.numbering import Numberer, Numbering

PREAMBLE = "(preamble)"
PATH_SEPARATOR = " > "
_DISCRETE_STYLES = frozenset({"discrete", "float"})


@dataclass(frozen=True)
class Section:
    path: str  # "Training Loop > Hyperparameters", with " (2)" when the path repeats
    title: str  # its own title, without the trailing [[anchor]], white space folded
    level: int  # asciidoctor's level: `==` is 1 (the preamble is 0)
    number: str  # as the document shows it: "7.1.", "Appendix A", or ""
    heading: str  # the title as the document shows it, number included
    anchor: str  # stable across edits of other sections (see anchors.py)
    first_line: int  # 1-based; block attribute lines above the heading included
    heading_line: int  # 1-based line of the heading itself (the preamble: its first line)
    last_line: int  # inclusive; first_line - 1 for an empty preamble
    text: str  # the source lines, exactly (the preamble's without the title line)
    body: str  # the text after the heading line
    explicit_id: str | None = None  # from `[[id]]` or `[#id]`: the target of `<<id>>` links
    discrete: bool = False  # `[discrete]`: a heading without a section in asciidoctor
    style: str | None = None  # `appendix`, `preface`, … from the line above the heading

    @property
    def is_preamble(self) -> bool:
        return self.anchor == PREAMBLE_ANCHOR

    @cached_property
    def comparable(self) -> str:
        """The text with white space folded: two sections are equal when these are."""
        return ln.fold_whitespace(self.text)

    @cached_property
    def comparable_body(self) -> str:
        return ln.fold_whitespace(self.body)


@dataclass(frozen=True)
class SectionedDocument:
    source: str
    title: str | None
    title_line: int | None  # 1-based
    sections: tuple[Section, ...]  # the preamble first, then document order
    _by_anchor: dict[str, Section] = field(init=False, repr=False, compare=False)
    _by_path: dict[str, Section] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_anchor", {s.anchor: s for s in self.sections})
        object.__setattr__(self, "_by_path", {s.path: s for s in self.sections})

    def by_anchor(self, anchor: str) -> Section | None:
        return self._by_anchor.get(anchor)

    def by_path(self, path: str) -> Section | None:
        return self._by_path.get(path)

    @property
    def preamble(self) -> Section:
        return self.sections[0]


@dataclass
class _Head:
    """A heading found by the scan, before its text is known."""

    index: int  # 0-based line of the heading
    start: int  # 0-based first line of its section (attribute lines above included)
    heading: ln.Heading
    style: str | None
    explicit_id: str | None
    numbering: Numbering | int  # an index into the numberer's answers until the scan ends
    titles: list[str]


def raw_lines(source: str) -> list[str]:
    """Lines with their endings. Only "\\n" ends a line, as in asciidoctor; "\\r" stays."""
    parts = source.split("\n")
    raw = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        raw.append(parts[-1])
    return raw


def split_sections(source: str) -> SectionedDocument:
    """Cut ``source`` into its sections (see the module docstring for the rules)."""
    raw = raw_lines(source)
    text = [line.rstrip("\n").rstrip("\r") for line in raw]
    if text:
        text[0] = text[0].removeprefix("\ufeff")
    title, title_index, heads = _Scanner(text).scan()
    sections = [_preamble(raw, heads[0].start if heads else len(raw), title_index)]
    seen: dict[str, int] = {}
    anchors = AnchorAllocator()
    for position, head in enumerate(heads):
        end = heads[position + 1].start if position + 1 < len(heads) else len(raw)
        path = PATH_SEPARATOR.join(head.titles)
        seen[path] = occurrence = seen.get(path, 0) + 1
        if occurrence > 1:
            path = f"{path} ({occurrence})"
        body_start = head.index + 1
        assert isinstance(head.numbering, Numbering)
        sections.append(
            Section(
                path=path,
                title=head.heading.title,
                level=head.heading.level,
                number=head.numbering.number,
                heading=head.numbering.heading,
                anchor=anchors.allocate(head.titles, occurrence),
                first_line=head.start + 1,
                heading_line=head.index + 1,
                last_line=end,
                text="".join(raw[head.start : end]),
                body="".join(raw[body_start:end]),
                explicit_id=head.explicit_id,
                discrete=head.style in _DISCRETE_STYLES,
                style=head.style,
            )
        )
    return SectionedDocument(
        source=source,
        title=title,
        title_line=None if title_index is None else title_index + 1,
        sections=tuple(sections),
    )


def extract_title(source: str) -> str | None:
    """The document's title: its title line, else a ``:doctitle:`` attribute, else None."""
    return split_sections(source).title


def _preamble(raw: list[str], end: int, title_index: int | None) -> Section:
    kept = [line for index, line in enumerate(raw[:end]) if index != title_index]
    text = "".join(kept)
    return Section(
        path=PREAMBLE,
        title=PREAMBLE,
        level=0,
        number="",
        heading=PREAMBLE,
        anchor=PREAMBLE_ANCHOR,
        first_line=1,
        heading_line=1,
        last_line=end,
        text=text,
        body=text,
    )


class _Scanner:
    """One pass over the lines: headings, the title, block nesting and numbering state."""

    def __init__(self, text: list[str]) -> None:
        self.text = text
        self.blocks: list[str] = []  # open delimiters, innermost last
        self.numberer = Numberer()
        self.enclosing: list[tuple[int, str]] = []  # (level, title) of the open sections
        self.heads: list[_Head] = []
        self.title: str | None = None
        self.title_index: int | None = None
        self.doctitle: str | None = None
        self.attribute_run: int | None = None  # first of the attribute lines just above
        self.block_start = True  # could a block (or a heading) start on this line?

    def scan(self) -> tuple[str | None, int | None, list[_Head]]:
        for index, line in enumerate(self.text):
            if self.blocks:
                self._inside_block(line)
            else:
                self._outside_block(index, line)
        numbers = self.numberer.numbers()
        for head in self.heads:
            if isinstance(head.numbering, int):
                head.numbering = numbers[head.numbering]
        return self.title or self.doctitle, self.title_index, self.heads

    def _inside_block(self, line: str) -> None:
        top = self.blocks[-1]
        if ln.closes(top, line):
            self.blocks.pop()
            self.block_start = not self.blocks
        elif not ln.is_verbatim(top) and (opened := ln.opening_delimiter(line)):
            self.blocks.append(opened)

    def _outside_block(self, index: int, line: str) -> None:
        run, self.attribute_run = self.attribute_run, None
        was_block_start, self.block_start = self.block_start, False
        if ln.is_blank(line):
            self.block_start = True
        elif (heading := ln.parse_heading(line)) is not None:
            self._heading(index, heading, run)
            self.block_start = True
        elif (opened := ln.opening_delimiter(line)) and not self._underline(index):
            self.blocks.append(opened)
        elif ln.is_block_attribute_line(line):
            self.attribute_run = index if run is None else run
            self.block_start = True
        elif was_block_start and (entry := ln.attribute_entry(line)) is not None:
            name, value = entry
            self.numberer.set_attribute(name, value)
            if name == "doctitle" and value:
                self.doctitle = ln.fold_whitespace(value)
            self.block_start = True
        elif line.startswith("//"):
            self.block_start = was_block_start

    def _underline(self, index: int) -> bool:
        """Is this `----`/`++++` line the underline of a two-line title, not a delimiter?"""
        if index == 0:
            return False
        above = self.text[index - 1]
        if ln.is_blank(above) or ln.is_block_attribute_line(above) or ln.parse_heading(above):
            return False
        starts_block = index == 1 or ln.is_blank(self.text[index - 2])
        starts_block = starts_block or ln.is_block_attribute_line(self.text[index - 2])
        return starts_block and ln.is_setext_underline(above, self.text[index])

    def _heading(self, index: int, heading: ln.Heading, run: int | None) -> None:
        if heading.level == 0 and self.title_index is None and not self.heads:
            self.title, self.title_index = heading.title, index
            return
        attribute_lines = self.text[run:index] if run is not None else []
        style = next((s for s in map(ln.block_style, reversed(attribute_lines)) if s), None)
        explicit_id = heading.anchor_id or next(
            (i for i in map(ln.block_id, reversed(attribute_lines)) if i), None
        )
        if style in _DISCRETE_STYLES:
            titles = [title for _, title in self.enclosing] + [heading.title]
            numbering: Numbering | int = Numbering(number="", heading=heading.title)
        else:
            while self.enclosing and self.enclosing[-1][0] >= heading.level:
                self.enclosing.pop()
            self.enclosing.append((heading.level, heading.title))
            titles = [title for _, title in self.enclosing]
            numbering = self.numberer.section(level=heading.level, style=style, title=heading.title)
        start = run if run is not None else index
        self.heads.append(_Head(index, start, heading, style, explicit_id, numbering, titles))
