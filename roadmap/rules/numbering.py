"""Section numbers as the rendered document shows them.

With ``:sectnums:`` the numbers are asciidoctor's, so we follow its rules (``Parser.
initialize_section``, ``AbstractBlock#assign_numeral``, ``Section#sectnum`` and the HTML
converter), quirks included, because a number the page shows must match the number in the
rendered text beside it:

- ``sectnums`` (or its old name ``numbered``) can be switched on and off anywhere; a section
  is numbered if it is on where its heading is. Unnumbered sections take no number, so the
  next numbered sibling continues the count.
- Numbers are shown down to ``sectnumlevels`` (3 by default); deeper sections still count.
- A child of an unnumbered section shows ``.1.``: asciidoctor joins an empty parent number.
- ``[appendix]`` sections are lettered (``Appendix A:``) whether or not sections are
  numbered; their children are ``A.1.``. Other styled sections (``[preface]``, ``[glossary]``…)
  are not numbered unless ``sectnums`` is ``all``, nor are their children.
- In a book, chapters (level 1) count through the whole book, across parts; in an article a
  level-0 section (an error asciidoctor tolerates) starts its children again at 1.

Without ``sectnums``, a title that starts with a number (``3.2 Scoring``) is numbered by its
author, and that number is the one the document shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERED_TITLE = re.compile(r"^(\d+(?:\.\d+)*\.?)\s+\S")
_SECTION_LEVEL_STYLE = re.compile(r"^sect[0-5]$")
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip


@dataclass(frozen=True)
class Numbering:
    number: str  # "1.2.", "Appendix A", "A.1.", "3.2" or ""
    heading: str  # the title as the document shows it, number included


@dataclass
class _Node:
    level: int
    name: str  # asciidoctor's sectname: section, chapter, part, appendix, preface, …
    title: str = ""
    numbered: bool = False
    chapter_like: bool = False  # a styled level-1 section of a book counted as a chapter
    special: bool = False
    numeral: str | None = None
    caption: str | None = None  # "Appendix A: "
    parent: _Node | None = None
    next_ordinal: int = 1
    shown_levels: int = 3  # sectnumlevels where the heading is
    signifier: str | None = None  # chapter-signifier or part-signifier there

    def sectnum(self, append: str = ".") -> str:
        if self.level > 1 and self.parent is not None and self.parent.level >= 0:
            return f"{self.parent.sectnum('.')}{self.numeral or ''}{append}"
        return f"{self.numeral or ''}{append}"


def _roman(value: int) -> str:
    out = []
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


class Numberer:
    """Feed it attribute entries and headings in document order, then ask for the numbers.

    asciidoctor gives a section its numeral when the section ends, after its children: an
    appendix inside an appendix takes its letter before its parent does. So numbers are only
    known once the whole document has been seen (``numbers()``).
    """

    def __init__(self) -> None:
        self._attributes: dict[str, str] = {"appendix-caption": "Appendix"}
        self._stack: list[_Node] = [_Node(level=-1, name="document")]
        self._nodes: list[_Node] = []
        self._chapters = 0
        self._appendices = 0

    def set_attribute(self, name: str, value: str | None) -> None:
        name = "sectnums" if name == "numbered" else name
        if value is None:
            self._attributes.pop(name, None)
        else:
            self._attributes[name] = value

    def section(self, *, level: int, style: str | None, title: str) -> int:
        """Take a section heading (not a discrete one); returns its index for ``numbers()``."""
        node = self._open(level, style, title)
        self._nodes.append(node)
        return len(self._nodes) - 1

    def numbers(self) -> list[Numbering]:
        """The number of every section taken, in the order they were taken."""
        while len(self._stack) > 1:
            self._close(self._stack.pop())
        return [self._numbering(node) for node in self._nodes]

    def _sectnumlevels(self) -> int:
        try:
            return int(self._attributes.get("sectnumlevels") or 3)
        except ValueError:
            return 3

    @property
    def _book(self) -> bool:
        return self._attributes.get("doctype") == "book"

    def _open(self, level: int, style: str | None, title: str) -> _Node:
        sectnums = self._attributes.get("sectnums")
        # Where the heading nests is decided by its written level, before a styled level-0
        # heading is made level 1.
        while self._stack[-1].level >= level:
            self._close(self._stack.pop())
        if style and not (style == "abstract" and self._book):
            special = not _SECTION_LEVEL_STYLE.match(style)
            name = style if special else "section"
            level = 1 if special and level == 0 else level
        else:
            special = False
            name = "section"
            if style == "abstract" or (self._book and level == 1):
                name, level = "chapter", 1
            elif self._book and level == 0:
                name = "part"
        parent = self._stack[-1]
        node = _Node(level=level, name=name, title=title, parent=parent)
        node.special = special or (parent.level >= 0 and parent.special)
        if special:
            node.numbered = name == "appendix" or sectnums == "all"
            node.chapter_like = name != "appendix" and node.numbered and self._book and level == 1
        elif sectnums is not None and level > 0:
            node.numbered = parent.numbered if node.special else True
        elif self._book and level == 0 and "partnums" in self._attributes:
            node.numbered = True
        node.shown_levels = self._sectnumlevels()
        node.signifier = self._attributes.get(f"{name}-signifier")
        self._stack.append(node)
        return node

    def _close(self, node: _Node) -> None:
        parent = node.parent
        assert parent is not None
        if not node.numbered:
            return
        if node.name == "appendix":
            node.numeral = chr(ord("A") + self._appendices)
            self._appendices += 1
            caption = self._attributes.get("appendix-caption")
            node.caption = f"{caption} {node.numeral}: " if caption else f"{node.numeral}. "
        elif node.name == "chapter" or node.chapter_like:
            self._chapters += 1
            node.numeral = str(self._chapters)
        else:
            ordinal = parent.next_ordinal
            node.numeral = _roman(ordinal) if node.name == "part" else str(ordinal)
            parent.next_ordinal += 1

    @staticmethod
    def _numbering(node: _Node) -> Numbering:
        if node.caption:
            number = node.caption.rstrip().removesuffix(":")
            return Numbering(number=number, heading=f"{node.caption}{node.title}")
        if node.numbered and node.level <= node.shown_levels:
            if node.level < 2 and node.name in ("chapter", "part"):
                number = node.sectnum(":" if node.name == "part" else ".")
                number = f"{node.signifier} {number}" if node.signifier else number
            else:
                number = node.sectnum()
            return Numbering(number=number, heading=f"{number} {node.title}")
        match = _NUMBERED_TITLE.match(node.title)
        return Numbering(number=match.group(1) if match else "", heading=node.title)
