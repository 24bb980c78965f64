"""Rule documents and their published revisions: importing a file, editing one section.

A revision is prepared (decoded, cut into sections, rendered by asciidoctor and sanitised)
before any transaction opens: rendering runs a subprocess for a fraction of a second, which must
not hold row locks. The transaction then locks the document, checks again that the text is
new, and numbers the revision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, NotFound, PermissionDenied
from core.timezones import to_wg_time
from roadmap.models import Decision, RevisionStatus, RuleDocument, RuleRevision, RuleSection
from roadmap.permissions import can_edit_rules, person_of
from roadmap.rules import (
    RenderedDocument,
    RulesError,
    SectionedDocument,
    content_hash,
    decode_source,
    fold_whitespace,
    render_document,
    split_sections,
)
from roadmap.rules.sections import raw_lines
from wg.models import Person

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Page paths under /rules/ that a document's name would hide.
RESERVED_SLUGS = frozenset({"upload", "rounds", "benchmarks", "exceptions", "drafts"})


@dataclass(frozen=True)
class Prepared:
    """A source ready to store: its sections and its sanitised HTML."""

    source: str
    content_hash: str
    document: SectionedDocument
    rendered: RenderedDocument


@dataclass(frozen=True)
class ImportResult:
    document: RuleDocument
    revision: RuleRevision | None  # None: the text equals ``latest``, nothing was created
    latest: RuleRevision | None
    created_document: bool = False

    @property
    def unchanged(self) -> bool:
        return self.revision is None


def require_editor(actor: Any) -> None:
    """Chairs edit the rules; ``None`` is an operator's command or the service itself."""
    if actor is not None and not can_edit_rules(actor):
        raise PermissionDenied("Only the working-group chairs change the rules.")


def prepare_source(source: str | bytes, *, name: str = "the file") -> Prepared:
    """Decode, section and render ``source``; RulesError (a DomainError) says what is wrong."""
    if isinstance(source, str):
        try:
            data = source.encode("utf-8")
        except UnicodeEncodeError as error:
            raise RulesError(f"{name} holds characters that are not text") from error
    else:
        data = source
    text = decode_source(data, name=name)
    sectioned = split_sections(text)
    return Prepared(
        source=text,
        content_hash=content_hash(text),
        document=sectioned,
        rendered=render_document(sectioned),
    )


def latest_published(document: RuleDocument) -> RuleRevision | None:
    return (
        RuleRevision.objects.filter(document=document, status=RevisionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def check_document_slug(slug: str) -> str:
    slug = slug.strip()
    try:
        validate_slug(slug)
    except ValidationError:
        slug = ""
    if not _SLUG.match(slug) or len(slug) > 50:
        raise DomainError(
            f"{slug or 'That'!r} is not a document name: use lower-case letters, digits and "
            "hyphens, like 'training' or 'submission'."
        )
    if slug in RESERVED_SLUGS:
        raise DomainError(f"{slug!r} names a page of the rules; choose another document name.")
    return slug


def rule_revision_import(
    *,
    actor: Any,
    document: str,
    source: str | bytes,
    message: str,
    date: date | None = None,
    file_name: str = "the file",
    author: Person | None = None,
    decision: Decision | None = None,
    public: bool = True,
    expected_latest: RuleRevision | None = None,
) -> ImportResult:
    """Publish ``source`` as the next revision of ``document`` (a slug), creating the document
    (titled from the file; ``public`` as given) when it does not exist. Creates nothing when
    the text equals the latest revision. Chairs, or ``actor=None`` for the operator's command.

    With ``expected_latest``, refuses when another revision was published since that one (an
    edit made on it would undo the other's changes).
    """
    require_editor(actor)
    slug = check_document_slug(document)
    if not message.strip():
        raise DomainError("Say in a message what this revision changes (or where it comes from).")
    existing = RuleDocument.objects.filter(slug=slug).first()
    if existing is not None:
        latest = latest_published(existing)
        if latest is not None and latest.content_hash == _hash_of(source):
            return ImportResult(document=existing, revision=None, latest=latest)
    prepared = prepare_source(source, name=file_name)
    with transaction.atomic():
        doc, created = RuleDocument.objects.get_or_create(
            slug=slug, defaults={"title": prepared.document.title or slug, "public": public}
        )
        if created:
            audit_record(
                actor=actor,
                action="rule_document.create",
                obj=doc,
                after={"slug": slug, "title": doc.title, "public": doc.public},
            )
        doc = RuleDocument.objects.select_for_update().get(pk=doc.pk)
        latest = latest_published(doc)
        if expected_latest is not None and latest is not None and latest.pk != expected_latest.pk:
            raise DomainError(
                f"Revision {latest.number} was published after revision "
                f"{expected_latest.number}, which this change was made on: make it again on "
                f"revision {latest.number}, so that its changes are kept."
            )
        if latest is not None and latest.content_hash == prepared.content_hash:
            return ImportResult(document=doc, revision=None, latest=latest)
        revision = store_revision(
            actor=actor,
            document=doc,
            prepared=prepared,
            status=RevisionStatus.PUBLISHED,
            message=message.strip(),
            date=date,
            author=author,
            decision=decision,
        )
    return ImportResult(document=doc, revision=revision, latest=latest, created_document=created)


def _hash_of(source: str | bytes) -> str | None:
    """The content hash the source would get, if it decodes; else None (preparing it says why)."""
    try:
        data = source.encode("utf-8") if isinstance(source, str) else source
        return content_hash(decode_source(data))
    except (RulesError, UnicodeEncodeError):
        return None


def store_revision(
    *,
    actor: Any,
    document: RuleDocument,
    prepared: Prepared,
    status: str,
    message: str,
    date: date | None = None,
    author: Person | None = None,
    decision: Decision | None = None,
    proposal: Any = None,
    base: RuleRevision | None = None,
) -> RuleRevision:
    """Write a revision and its sections. The caller holds the document's row lock."""
    now = timezone.now()
    published = status == RevisionStatus.PUBLISHED
    number = _next_number(document) if published else None
    revision = RuleRevision.objects.create(
        document=document,
        number=number,
        status=status,
        title=prepared.document.title or "",
        source=prepared.source,
        content_hash=prepared.content_hash,
        message=message,
        date=date or to_wg_time(now).date(),
        author=author,
        decision=decision,
        proposal=proposal,
        base=base,
        html=prepared.rendered.html,
        renderer=prepared.rendered.renderer,
        render_warnings=list(prepared.rendered.warnings),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        published_at=now if published else None,
    )
    store_sections(revision, prepared)
    if published:
        mark_published(document, revision)
    audit_record(
        actor=actor,
        action="rule_revision.create",
        obj=revision,
        after={
            "document": document.slug,
            "number": number,
            "status": status,
            "content_hash": prepared.content_hash,
            "decision": getattr(decision, "reference", None),
        },
        reason=message,
    )
    return revision


def _next_number(document: RuleDocument) -> int:
    latest = latest_published(document)
    return 1 if latest is None else latest.number + 1  # type: ignore[operator]


def mark_published(document: RuleDocument, revision: RuleRevision) -> None:
    """The document is titled as its latest revision."""
    if revision.title and revision.title != document.title:
        RuleDocument.objects.filter(pk=document.pk).update(title=revision.title)
        document.title = revision.title


def store_sections(revision: RuleRevision, prepared: Prepared) -> None:
    RuleSection.objects.bulk_create(
        RuleSection(
            revision=revision,
            order=order,
            path=section.path,
            title=section.title,
            anchor=section.anchor,
            number=section.number,
            heading=section.heading,
            level=section.level,
            first_line=section.first_line,
            last_line=section.last_line,
            comparable_hash=content_hash(section.comparable),
            html=prepared.rendered.sections.get(section.anchor, ""),
        )
        for order, section in enumerate(prepared.document.sections)
    )


def replace_section(source: str, anchor: str, text: str) -> str:
    """``source`` with the text of the section ``anchor`` replaced by ``text``.

    ``text`` comes from a browser's text area: its line endings are made the source's, and it
    ends with a line ending when the section did, so the next heading stays a heading.
    """
    sectioned = split_sections(source)
    section = sectioned.by_anchor(anchor)
    if section is None:
        raise NotFound(f"There is no section {anchor!r} in this revision.")
    ending = "\r\n" if "\r\n" in source else "\n"
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", ending)
    if section.text.endswith("\n") and text and not text.endswith("\n"):
        text += ending
    if fold_whitespace(text) == section.comparable:
        raise DomainError(f"“{section.title}” is unchanged: there is nothing to save.")
    raw = raw_lines(source)
    if section.is_preamble:
        title_index = None if sectioned.title_line is None else sectioned.title_line - 1
        kept = [raw[title_index]] if title_index is not None else []
        return "".join(kept) + text + "".join(raw[section.last_line :])
    before = "".join(raw[: section.first_line - 1])
    after = "".join(raw[section.last_line :])
    return before + text + after


def rule_section_edit(
    *,
    actor: Any,
    revision: RuleRevision,
    anchor: str,
    text: str,
    message: str,
    decision: Decision | None = None,
) -> RuleRevision:
    """Replace one section's text. In a draft, the draft changes; in a published revision,
    which must be the document's latest, a new published revision is created."""
    if actor is None or not can_edit_rules(actor):
        raise PermissionDenied("Only the working-group chairs change the rules.")
    if revision.is_draft:
        from roadmap.services.rules.drafts import rule_draft_update

        source = replace_section(revision.source, anchor, text)
        return rule_draft_update(actor=actor, draft=revision, source=source, rebase=False)
    source = replace_section(revision.source, anchor, text)
    result = rule_revision_import(
        actor=actor,
        document=revision.document.slug,
        source=source,
        message=message,
        decision=decision,
        author=person_of(actor),
        expected_latest=revision,
    )
    if result.revision is None:
        raise DomainError("The edit leaves the document as it is: there is nothing to save.")
    return result.revision


def rule_document_update(
    *, actor: Any, document: RuleDocument, public: bool | None = None
) -> RuleDocument:
    """Chairs make a document public or members-only."""
    require_editor(actor)
    if public is None or public == document.public:
        return document
    with transaction.atomic():
        RuleDocument.objects.filter(pk=document.pk).update(public=public)
        audit_record(
            actor=actor,
            action="rule_document.update",
            obj=document,
            before={"public": document.public},
            after={"public": public},
        )
        document.public = public
    return document
