"""Draft revisions: the text of an accepted rule change, written before it is published.

Accepting a rule-change proposal that names its rule document starts a draft (a copy of the
document's latest revision, linked to the proposal and its decision). Chairs then upload the new
text into it or edit its sections, and publish it: it gets the next number, and the proposal is
marked implemented through the proposal lifecycle.

A draft remembers the published revision it started from (``base``). If another revision is
published meanwhile, publishing the draft would silently undo that revision's changes, so it is
refused until the draft's text is uploaded again on top of the latest revision.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError
from core.timezones import to_wg_time
from roadmap.models import (
    Decision,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RevisionStatus,
    RuleDocument,
    RuleRevision,
    RuleSection,
)
from roadmap.services.proposals import proposal_transition
from roadmap.services.rules.revisions import (
    latest_published,
    mark_published,
    prepare_source,
    require_editor,
    store_sections,
)


def rule_draft_create(
    *,
    actor: Any,
    document: RuleDocument,
    proposal: Proposal | None = None,
    decision: Decision | None = None,
) -> RuleRevision:
    """Start a draft of ``document`` from its latest revision, for an accepted ``proposal``
    (or none). A proposal has at most one draft per document: asking again returns it.
    Chairs, or ``actor=None`` when the service accepts a proposal."""
    require_editor(actor)
    if proposal is not None and proposal.status not in (
        ProposalStatus.ACCEPTED,
        ProposalStatus.IMPLEMENTED,
    ):
        raise DomainError(
            f"{proposal.reference} is {proposal.get_status_display().lower()}: a draft revision "
            "implements an accepted proposal."
        )
    with transaction.atomic():
        document = RuleDocument.objects.select_for_update().get(pk=document.pk)
        if proposal is not None:
            existing = RuleRevision.objects.filter(
                document=document, proposal=proposal, status=RevisionStatus.DRAFT
            ).first()
            if existing is not None:
                return existing
        base = latest_published(document)
        if base is None:
            raise DomainError(
                f"“{document}” has no published revision to start a draft from: import one first."
            )
        if decision is None and proposal is not None:
            decision = proposal.decisions.filter(outcome="accepted").order_by("-decided_at").first()
        message = f"Implements {proposal.reference}: {proposal.title}" if proposal else ""
        draft = RuleRevision.objects.create(
            document=document,
            status=RevisionStatus.DRAFT,
            title=base.title,
            source=base.source,
            content_hash=base.content_hash,
            message=message,
            date=base.date,
            author=None,
            decision=decision,
            proposal=proposal,
            base=base,
            html=base.html,
            renderer=base.renderer,
            render_warnings=base.render_warnings,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        RuleSection.objects.bulk_create(
            RuleSection(
                revision=draft,
                **{
                    f.name: getattr(s, f.name)
                    for f in RuleSection._meta.concrete_fields
                    if f.name not in ("id", "revision")
                },
            )
            for s in base.sections.all()
        )
        audit_record(
            actor=actor,
            action="rule_revision.draft",
            obj=draft,
            after={
                "document": document.slug,
                "base": base.number,
                "proposal": getattr(proposal, "reference", None),
            },
        )
    return draft


def rule_draft_update(
    *,
    actor: Any,
    draft: RuleRevision,
    source: str | bytes,
    file_name: str = "the file",
    message: str | None = None,
    rebase: bool = True,
) -> RuleRevision:
    """Replace a draft's text (an uploaded file, or a section edited). An upload is taken to
    be written on the latest revision (``rebase``), so the draft's base moves there."""
    require_editor(actor)
    prepared = prepare_source(source, name=file_name)
    with transaction.atomic():
        RuleDocument.objects.select_for_update().get(pk=draft.document_id)
        locked = RuleRevision.objects.select_for_update().get(pk=draft.pk)
        if not locked.is_draft:
            raise DomainError(f"{locked} is published: published revisions never change.")
        base = latest_published(locked.document) if rebase else locked.base
        before = {"content_hash": locked.content_hash, "base": getattr(locked.base, "number", None)}
        locked.title = prepared.document.title or ""
        locked.source = prepared.source
        locked.content_hash = prepared.content_hash
        locked.html = prepared.rendered.html
        locked.renderer = prepared.rendered.renderer
        locked.render_warnings = list(prepared.rendered.warnings)
        locked.base = base
        if message is not None and message.strip():
            locked.message = message.strip()
        locked.save()
        locked.sections.all().delete()
        store_sections(locked, prepared)
        audit_record(
            actor=actor,
            action="rule_revision.draft_update",
            obj=locked,
            before=before,
            after={"content_hash": locked.content_hash, "base": getattr(base, "number", None)},
        )
    return locked


def rule_draft_publish(
    *, actor: Any, draft: RuleRevision, message: str = "", now: Any = None
) -> RuleRevision:
    """Give the draft the next number. Refused when it changes nothing, or when a revision was
    published after the one it started from. Its proposal, if accepted, becomes implemented."""
    require_editor(actor)
    now = now or timezone.now()
    with transaction.atomic():
        document = RuleDocument.objects.select_for_update().get(pk=draft.document_id)
        locked = RuleRevision.objects.select_for_update().get(pk=draft.pk)
        if not locked.is_draft:
            raise DomainError(f"{locked} is published already.")
        latest = latest_published(document)
        if latest is not None and locked.base_id != latest.pk:
            started = f"revision {locked.base.number}" if locked.base else "no revision"
            raise DomainError(
                f"Revision {latest.number} was published after this draft started from "
                f"{started}: upload the draft's full text again, written on revision "
                f"{latest.number}, so that its changes are not undone."
            )
        if latest is not None and latest.content_hash == locked.content_hash:
            raise DomainError(
                f"The draft's text equals revision {latest.number}: change it before publishing."
            )
        message = message.strip() or locked.message
        if not message:
            raise DomainError("Say in a message what this revision changes.")
        number = 1 if latest is None else latest.number + 1  # type: ignore[operator]
        proposal = locked.proposal
        RuleRevision.objects.filter(pk=locked.pk).update(
            status=RevisionStatus.PUBLISHED,
            number=number,
            published_at=now,
            message=message,
            # The text is dated when it takes effect; its author is who carried the proposal.
            date=to_wg_time(now).date(),
            author=(proposal.person_in_charge or proposal.author) if proposal else locked.author,
        )
        locked.refresh_from_db()
        mark_published(document, locked)
        audit_record(
            actor=actor,
            action="rule_revision.publish",
            obj=locked,
            before={"status": RevisionStatus.DRAFT},
            after={"status": RevisionStatus.PUBLISHED, "number": number},
            reason=message,
        )
        if proposal is not None and proposal.status == ProposalStatus.ACCEPTED:
            proposal_transition(
                actor=actor,
                proposal=proposal,
                to=ProposalStatus.IMPLEMENTED,
                reason=f"Published as revision {number} of {document.slug}.",
            )
    return locked


def rule_draft_discard(*, actor: Any, draft: RuleRevision) -> None:
    """Chairs drop a draft that will not be published (its proposal stays accepted)."""
    require_editor(actor)
    with transaction.atomic():
        locked = RuleRevision.objects.select_for_update().get(pk=draft.pk)
        if not locked.is_draft:
            raise DomainError(f"{locked} is published: published revisions are never removed.")
        audit_record(
            actor=actor,
            action="rule_revision.discard",
            obj=locked,
            before={"status": RevisionStatus.DRAFT, "content_hash": locked.content_hash},
        )
        locked.delete()


def draft_for_accepted_proposal(*, proposal: Proposal, decision: Decision) -> RuleRevision | None:
    """Called by the decision service in its transaction when a proposal is accepted: a rule
    change that names its document gets its draft. Nothing else does, and a document without
    a published revision has nothing to start from (the chairs import one)."""
    if proposal.kind != ProposalKind.RULE_CHANGE or proposal.rule_document_id is None:
        return None
    document = proposal.rule_document
    if latest_published(document) is None:
        return None
    return rule_draft_create(actor=None, document=document, proposal=proposal, decision=decision)
