"""Stable anchors for sections.

A section's anchor is a slug of its path: the slugs of its own and its enclosing sections'
titles joined by ``--``, plus the path's ``-2``, ``-3`` when the title repeats
(``training-loop--hyperparameters``). Why the path and not something else:

- asciidoctor's ids (``_hyperparameters``, ``_hyperparameters_2``) and positions change when a
  section with the same title or any section is inserted before, and its section numbers
  change with every insertion; links into frozen rules must not move when the document grows.
- A hash of the section's text changes whenever the section itself is edited, and a link to
  "the RCP rules" must still lead there after the RCP rules change.
- The path changes only when this section or an enclosing one is renamed or moved, which is
  exactly when a link to it ought to be looked at again (the diff reports it as a rename).

Two different paths can still slug alike ("Foo-Bar" and "Foo Bar"); the later one in the
document then takes the next free ``-N``. That is the one case where another section's edit can
move an anchor, and it needs two titles that differ only in punctuation or case.
"""

from __future__ import annotations

import re
import unicodedata

PREAMBLE_ANCHOR = "preamble"
_NOT_WORD = re.compile(r"[\W_]+")
_MAX_COMPONENT = 60


def slugify(title: str) -> str:
    """Lower-case words joined by ``-``; letters of any script are kept."""
    text = unicodedata.normalize("NFKC", title).casefold()
    slug = _NOT_WORD.sub("-", text).strip("-")
    if len(slug) > _MAX_COMPONENT:
        slug = slug[:_MAX_COMPONENT].rsplit("-", 1)[0] or slug[:_MAX_COMPONENT]
    return slug or "section"


def path_anchor(titles: list[str], occurrence: int) -> str:
    """The anchor of the ``occurrence``-th section (1-based) with this list of titles."""
    anchor = "--".join(slugify(title) for title in titles)
    return anchor if occurrence == 1 else f"{anchor}-{occurrence}"


class AnchorAllocator:
    """Hands out anchors in document order, never the same one twice in a document."""

    def __init__(self) -> None:
        self._taken: set[str] = {PREAMBLE_ANCHOR}

    def allocate(self, titles: list[str], occurrence: int) -> str:
        anchor = path_anchor(titles, occurrence)
        candidate, number = anchor, 1
        while candidate in self._taken:
            number += 1
            candidate = f"{anchor}-{number}"
        self._taken.add(candidate)
        return candidate
