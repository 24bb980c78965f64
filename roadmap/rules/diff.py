"""Which sections changed between two revisions of a rule document.

Sections are matched by path. A path in both revisions is ``modified`` when its text differs
with white space folded; a path only in the old one is ``removed``, only in the new one
``added``. A removed and an added section are reported instead as one ``renamed`` section
(with ``old_path``) when, conservatively:

- they are at the same level, and
- their bodies (the text under the heading) are the same, or at least 90 % alike word by word
  for bodies of 20 words or more. Empty bodies pair when the section's own title is the same
  (its parent was renamed, which moves every child's path), or when the sections under one
  were renamed to sections under the other (the renamed parent itself), and
- each is the other's single best candidate: with a tie, nothing is paired and the sections
  stay removed and added, which is never wrong, only less helpful.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from roadmap.rules.sections import PATH_SEPARATOR, Section, SectionedDocument

RENAME_SIMILARITY = 0.9
_MIN_WORDS_FOR_SIMILAR = 20


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENAMED = "renamed"


@dataclass(frozen=True)
class SectionChange:
    change: Change
    old: Section | None  # None when added
    new: Section | None  # None when removed
    similarity: float = 1.0  # of the bodies, for a rename

    @property
    def section(self) -> Section:
        """The section as it is now, or as it was for a removed one."""
        section = self.new or self.old
        assert section is not None
        return section

    @property
    def path(self) -> str:
        return self.section.path

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def anchor(self) -> str:
        return self.section.anchor

    @property
    def old_path(self) -> str | None:
        return self.old.path if self.change is Change.RENAMED and self.old else None

    @property
    def old_anchor(self) -> str | None:
        return self.old.anchor if self.change is Change.RENAMED and self.old else None

    @property
    def text_changed(self) -> bool:
        """For a rename: did the body change too? (Always true for added/removed/modified.)"""
        if self.change is not Change.RENAMED or self.old is None or self.new is None:
            return True
        return self.old.comparable_body != self.new.comparable_body


@dataclass(frozen=True)
class DocumentDiff:
    old_title: str | None
    new_title: str | None
    changes: tuple[SectionChange, ...]  # in the new revision's order, removed ones in place
    unchanged: tuple[Section, ...]  # the new revision's sections that did not change

    @property
    def title_changed(self) -> bool:
        return self.old_title != self.new_title

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.title_changed

    def of_kind(self, change: Change) -> list[SectionChange]:
        return [c for c in self.changes if c.change is change]

    def paths(self, change: Change) -> list[str]:
        return [c.path for c in self.of_kind(change)]


def diff_documents(old: SectionedDocument, new: SectionedDocument) -> DocumentDiff:
    """The sections of ``new`` that were added, removed, modified or renamed since ``old``."""
    old_paths = {s.path for s in old.sections}
    new_paths = {s.path for s in new.sections}
    removed = [s for s in old.sections if s.path not in new_paths]
    added = [s for s in new.sections if s.path not in old_paths]
    renamed = _renames(removed, added)
    renamed_old = {id(c.old) for c in renamed}
    by_new: dict[int, SectionChange] = {id(c.new): c for c in renamed}
    unchanged: list[Section] = []
    for section in new.sections:
        before = old.by_path(section.path)
        if before is None:
            by_new.setdefault(id(section), SectionChange(Change.ADDED, None, section))
        elif before.comparable != section.comparable:
            by_new[id(section)] = SectionChange(Change.MODIFIED, before, section)
        else:
            unchanged.append(section)
    gone = [SectionChange(Change.REMOVED, s, None) for s in removed if id(s) not in renamed_old]
    return DocumentDiff(
        old_title=old.title,
        new_title=new.title,
        changes=tuple(_in_order(old, new, by_new, gone)),
        unchanged=tuple(unchanged),
    )


def _in_order(
    old: SectionedDocument,
    new: SectionedDocument,
    by_new: dict[int, SectionChange],
    gone: list[SectionChange],
) -> Iterator[SectionChange]:
    """New-document order; a removed section right after the last old section before it that
    is still there (or at the start)."""
    new_paths = {s.path for s in new.sections}
    gone_by_old = {id(c.old): c for c in gone}
    after: dict[str | None, list[SectionChange]] = {}
    kept_path: str | None = None
    for section in old.sections:
        if section.path in new_paths:
            kept_path = section.path
        elif (change := gone_by_old.get(id(section))) is not None:
            after.setdefault(kept_path, []).append(change)
    yield from after.get(None, [])
    for section in new.sections:
        if id(section) in by_new:
            yield by_new[id(section)]
        yield from after.get(section.path, [])


def _renames(removed: list[Section], added: list[Section]) -> list[SectionChange]:
    scores: dict[tuple[int, int], float] = {}
    for i, before in enumerate(removed):
        for j, after in enumerate(added):
            score = _similarity(before, after)
            if score >= RENAME_SIMILARITY:
                scores[i, j] = score
    pairs = _mutual_best(scores)
    # An empty section whose title changed (a parent of others, typically) has no body to
    # recognise it by; the sections under it, renamed to sections under the new one, do.
    paired_old, paired_new = {i for i, _ in pairs}, {j for _, j in pairs}
    evidence: dict[tuple[int, int], float] = {}
    for i, before in enumerate(removed):
        if i in paired_old or before.comparable_body:
            continue
        for j, after in enumerate(added):
            if j in paired_new or after.comparable_body or after.level != before.level:
                continue
            moved = sum(_under(removed[a], before) and _under(added[b], after) for a, b in pairs)
            if moved:
                evidence[i, j] = float(moved)
    pairs += _mutual_best(evidence)
    return [
        SectionChange(Change.RENAMED, removed[i], added[j], scores.get((i, j), 1.0))
        for i, j in sorted(pairs)
    ]


def _mutual_best(scores: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The pairs that are each other's single best: a tie pairs nothing."""
    rows: dict[int, list[float]] = {}
    columns: dict[int, list[float]] = {}
    for (i, j), score in scores.items():
        rows.setdefault(i, []).append(score)
        columns.setdefault(j, []).append(score)
    return [
        (i, j)
        for (i, j), score in scores.items()
        if score == max(rows[i]) == max(columns[j])
        and rows[i].count(score) == 1
        and columns[j].count(score) == 1
    ]


def _under(section: Section, parent: Section) -> bool:
    return section.path.startswith(parent.path + PATH_SEPARATOR)


def _similarity(before: Section, after: Section) -> float:
    if before.level != after.level or before.is_preamble or after.is_preamble:
        return 0.0
    old_body, new_body = before.comparable_body, after.comparable_body
    if old_body == new_body:
        return 1.0 if old_body or before.title == after.title else 0.0
    old_words, new_words = old_body.split(), new_body.split()
    if min(len(old_words), len(new_words)) < _MIN_WORDS_FOR_SIMILAR:
        return 0.0
    # ratio() is at most 2 * shorter / total: skip the quadratic work when that cannot pass.
    bound = 2 * min(len(old_words), len(new_words)) / (len(old_words) + len(new_words))
    if bound < RENAME_SIMILARITY:
        return 0.0
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    if matcher.quick_ratio() < RENAME_SIMILARITY:
        return 0.0
    return matcher.ratio()
