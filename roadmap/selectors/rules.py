"""Reads of the rule documents: documents and revisions by role, diffs of two revisions by
section, and one section's history across revisions.

Pages show the HTML stored at import. Diffs and histories compare the sources, cut into
sections by the engine; a revision's sections are kept in a small cache by content hash, since
the same few revisions are compared again and again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from core.errors import NotFound
from roadmap.models import (
    Decision,
    RevisionStatus,
    RuleDocument,
    RuleException,
    RuleRevision,
    RuleSection,
)
from roadmap.permissions import (
    can_view_rule_document,
    can_view_rule_drafts,
    rule_document_visibility_q,
)
from roadmap.rules import (
    Change,
    SectionChange,
    SectionedDocument,
    diff_documents,
    diff_sections,
    inline_html,
    side_by_side_html,
    split_sections,
)
from roadmap.rules.sections import Section

_CACHE_SIZE = 16
_cache: OrderedDict[str, SectionedDocument] = OrderedDict()
_cache_lock = threading.Lock()


def sectioned(revision: RuleRevision) -> SectionedDocument:
    """The revision's source cut into sections (cached by content hash)."""
    with _cache_lock:
        found = _cache.get(revision.content_hash)
        if found is not None:
            _cache.move_to_end(revision.content_hash)
            return found
    doc = split_sections(revision.source)
    with _cache_lock:
        _cache[revision.content_hash] = doc
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return doc


# --- Documents and revisions -------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    document: RuleDocument
    latest: RuleRevision | None
    revisions: int
    drafts: int


def rule_document_list(*, user: Any) -> list[DocumentRow]:
    documents = (
        RuleDocument.objects.filter(rule_document_visibility_q(user))
        .annotate(
            published=Count("revisions", filter=Q(revisions__status=RevisionStatus.PUBLISHED)),
            draft_count=Count("revisions", filter=Q(revisions__status=RevisionStatus.DRAFT)),
        )
        .order_by("slug")
    )
    latest = _latest_by_document([d.pk for d in documents])
    return [
        DocumentRow(
            document=d,
            latest=latest.get(d.pk),
            revisions=d.published,
            drafts=d.draft_count if can_view_rule_drafts(user) else 0,
        )
        for d in documents
    ]


def _latest_by_document(ids: list[int]) -> dict[int, RuleRevision]:
    latest: dict[int, RuleRevision] = {}
    rows = (
        RuleRevision.objects.filter(document_id__in=ids, status=RevisionStatus.PUBLISHED)
        .only("pk", "document_id", "number", "date", "message", "title")
        .order_by("document_id", "number")
    )
    for revision in rows:
        latest[revision.document_id] = revision
    return latest


def rule_document_get(*, user: Any, slug: str) -> RuleDocument:
    """The document, or NotFound when it does not exist or is members-only for this user."""
    document = RuleDocument.objects.filter(slug=slug).first()
    if document is None or not can_view_rule_document(user, document):
        raise NotFound(f"No rule document {slug!r}.")
    return document


def _revision_rows() -> QuerySet[RuleRevision]:
    return RuleRevision.objects.select_related(
        "document", "decision", "author", "proposal", "base"
    ).defer("source", "html")


def rule_revision_list(*, document: RuleDocument) -> list[RuleRevision]:
    """Published revisions, newest first (without their text)."""
    return list(
        _revision_rows()
        .filter(document=document, status=RevisionStatus.PUBLISHED)
        .order_by("-number")
    )


def rule_draft_list(*, user: Any, document: RuleDocument | None = None) -> list[RuleRevision]:
    if not can_view_rule_drafts(user):
        return []
    rows = _revision_rows().filter(status=RevisionStatus.DRAFT)
    if document is not None:
        rows = rows.filter(document=document)
    return list(rows.filter(rule_document_visibility_q(user, "document__")).order_by("-pk"))


def rule_revision_get(*, user: Any, slug: str, number: int) -> RuleRevision:
    document = rule_document_get(user=user, slug=slug)
    revision = (
        RuleRevision.objects.select_related("document", "decision", "author", "proposal")
        .filter(document=document, number=number, status=RevisionStatus.PUBLISHED)
        .first()
    )
    if revision is None:
        raise NotFound(f"“{document}” has no revision {number}.")
    return revision


def rule_draft_get(*, user: Any, slug: str, pk: int) -> RuleRevision:
    document = rule_document_get(user=user, slug=slug)
    draft = (
        RuleRevision.objects.select_related("document", "decision", "proposal", "base")
        .filter(document=document, pk=pk, status=RevisionStatus.DRAFT)
        .first()
    )
    if draft is None or not can_view_rule_drafts(user):
        raise NotFound(f"“{document}” has no draft {pk}.")
    return draft


def latest_revision(document: RuleDocument) -> RuleRevision | None:
    return (
        RuleRevision.objects.filter(document=document, status=RevisionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def revision_sections(revision: RuleRevision) -> list[RuleSection]:
    return list(revision.sections.order_by("order"))


# --- Diffs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionDiff:
    """One changed section, ready for a page: both views of its text diff."""

    change: str  # added, removed, modified, renamed
    path: str
    title: str
    anchor: str
    number: str
    old_path: str | None
    old_anchor: str | None  # the section's anchor in the old revision (None when added)
    text_changed: bool
    inline: SafeString
    side_by_side: SafeString
    exceptions: tuple[RuleException, ...] = ()


@dataclass(frozen=True)
class RevisionDiff:
    document: RuleDocument
    old: RuleRevision
    new: RuleRevision
    old_title: str | None
    new_title: str | None
    changes: tuple[SectionDiff, ...]  # the changed sections, in the new revision's order
    unchanged: tuple[Section, ...]
    by_old_anchor: dict[str, SectionDiff] = field(default_factory=dict)

    @property
    def title_changed(self) -> bool:
        return self.old_title != self.new_title


def _section_diff(change: SectionChange, with_text: bool) -> SectionDiff:
    text = diff_sections(change.old, change.new) if with_text else None
    return SectionDiff(
        change=change.change.value,
        path=change.path,
        title=change.title,
        anchor=change.anchor,
        number=change.section.number,
        old_path=change.old_path,
        old_anchor=change.old.anchor if change.old is not None else None,
        text_changed=change.text_changed,
        # Both views escape every character of the source: they are safe as they are.
        inline=mark_safe(inline_html(text) if text else ""),
        side_by_side=mark_safe(side_by_side_html(text) if text else ""),
    )


def revision_diff(old: RuleRevision, new: RuleRevision, *, with_text: bool = True) -> RevisionDiff:
    """The sections of ``new`` added, removed, modified or renamed since ``old``; with
    ``with_text``, each with the line and word diff of its text (pages show it; the API
    lists the sections only)."""
    diff = diff_documents(sectioned(old), sectioned(new))
    changes = tuple(_section_diff(c, with_text) for c in diff.changes)
    return RevisionDiff(
        document=new.document,
        old=old,
        new=new,
        old_title=diff.old_title,
        new_title=diff.new_title,
        changes=changes,
        unchanged=diff.unchanged,
        by_old_anchor={c.old_anchor: c for c in changes if c.old_anchor},
    )


def rule_diff_get(*, user: Any, slug: str, a: int, b: int, with_text: bool = True) -> RevisionDiff:
    old = rule_revision_get(user=user, slug=slug, number=a)
    new = rule_revision_get(user=user, slug=slug, number=b)
    return revision_diff(old, new, with_text=with_text)


# --- A section's history ----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    revision: RuleRevision
    change: str  # added, modified, renamed, removed
    path: str
    number: str
    old_path: str | None = None
    inline: SafeString | None = None


@dataclass(frozen=True)
class SectionHistory:
    document: RuleDocument
    anchor: str
    path: str  # as it is (or was, when removed) in the newest revision that has it
    entries: tuple[HistoryEntry, ...]  # newest first; revisions that left it alone are skipped
    decisions: tuple[Decision, ...]
    exceptions: tuple[RuleException, ...]
    present_in: RuleRevision  # the newest revision that has the section


def section_history(*, user: Any, slug: str, anchor: str) -> SectionHistory:
    """How the section ``anchor`` came to be: the revisions that added, changed, renamed or
    removed it (following renames back through their old anchors), each with its decision."""
    document = rule_document_get(user=user, slug=slug)
    revisions = list(
        RuleRevision.objects.filter(document=document, status=RevisionStatus.PUBLISHED)
        .select_related("decision", "document")
        .order_by("number")
    )
    hashes: list[dict[str, str]] = [{} for _ in revisions]
    index = {r.pk: i for i, r in enumerate(revisions)}
    for revision_id, section_anchor, digest in RuleSection.objects.filter(
        revision__in=revisions
    ).values_list("revision_id", "anchor", "comparable_hash"):
        hashes[index[revision_id]][section_anchor] = digest
    having = [i for i, h in enumerate(hashes) if anchor in h]
    if not having:
        raise NotFound(f"“{document}” has no section {anchor!r} in any revision.")
    start = having[-1]
    entries: list[HistoryEntry] = []
    if start + 1 < len(revisions):
        gone = sectioned(revisions[start]).by_anchor(anchor)
        entries.append(_entry(revisions[start + 1], "removed", gone, None))
    current = anchor
    for i in range(start, -1, -1):
        here = sectioned(revisions[i]).by_anchor(current)
        assert here is not None
        if i == 0:
            entries.append(_entry(revisions[i], "added", None, here))
            break
        before = hashes[i - 1].get(current)
        if before is not None:
            if before != hashes[i][current]:
                old = sectioned(revisions[i - 1]).by_anchor(current)
                entries.append(_entry(revisions[i], "modified", old, here))
            continue
        renamed = _renamed_from(revisions[i - 1], revisions[i], current)
        if renamed is None:
            entries.append(_entry(revisions[i], "added", None, here))
            break
        entries.append(_entry(revisions[i], "renamed", renamed, here))
        current = renamed.anchor
    decisions = {
        e.revision.decision.pk: e.revision.decision for e in entries if e.revision.decision
    }
    anchors = {anchor} | {current}
    exceptions = RuleException.objects.filter(
        document=document, section_anchor__in=anchors
    ).select_related("round", "benchmark", "decision", "revision")
    newest = sectioned(revisions[start]).by_anchor(anchor)
    return SectionHistory(
        document=document,
        anchor=anchor,
        path=newest.path if newest else anchor,
        entries=tuple(entries),
        decisions=tuple(decisions.values()),
        exceptions=tuple(exceptions),
        present_in=revisions[start],
    )


def _entry(
    revision: RuleRevision, change: str, old: Section | None, new: Section | None
) -> HistoryEntry:
    shown = new or old
    assert shown is not None
    return HistoryEntry(
        revision=revision,
        change=change,
        path=shown.path,
        number=shown.number,
        old_path=old.path if change == "renamed" and old else None,
        inline=mark_safe(inline_html(diff_sections(old, new))),  # escaped: safe
    )


def _renamed_from(old: RuleRevision, new: RuleRevision, anchor: str) -> Section | None:
    diff = diff_documents(sectioned(old), sectioned(new))
    for change in diff.of_kind(Change.RENAMED):
        if change.new is not None and change.new.anchor == anchor:
            return change.old
    return None


def proposal_rule_revisions(*, user: Any, proposal: Any) -> list[RuleRevision]:
    """The revisions implementing a proposal: published ones, and drafts for members."""
    rows = (
        _revision_rows()
        .filter(proposal=proposal)
        .filter(rule_document_visibility_q(user, "document__"))
    )
    if not can_view_rule_drafts(user):
        rows = rows.filter(status=RevisionStatus.PUBLISHED)
    return list(rows.order_by("document__slug", "pk"))
