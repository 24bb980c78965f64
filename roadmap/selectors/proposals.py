"""Proposals as each viewer may see them, and everything a proposal's page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from core.audit import audit_history
from core.errors import NotFound
from core.models import AuditEvent
from roadmap.electorate import can_vote
from roadmap.lifecycle import AUTHOR, CHAIR, DIRECT, PROPOSAL, Edge
from roadmap.models import (
    Comment,
    Concern,
    ConcernStatus,
    Decision,
    Proposal,
    RuleDocument,
    Vote,
    VoteStatus,
)
from roadmap.needs import proposal_needs
from roadmap.permissions import (
    can_comment,
    can_edit_proposal,
    can_raise_concern,
    can_resolve_concern,
    can_run_proposal,
    can_view_discussion,
    can_view_proposal,
    can_view_rule_document,
    can_watch,
    is_in_charge,
    person_of,
    proposal_visibility_q,
)

FILTERS = ("status", "kind", "round", "q")


def proposal_list(*, user: Any, filters: dict[str, str] | None = None) -> QuerySet[Proposal]:
    """The proposals ``user`` may see (no one else's drafts), newest first, filtered."""
    filters = filters or {}
    rows = (
        Proposal.objects.filter(proposal_visibility_q(user))
        .select_related("target_round", "benchmark", "author", "person_in_charge", "rule_document")
        .annotate(open_concerns=Count("concerns", filter=Q(concerns__status=ConcernStatus.OPEN)))
        .order_by("-pk")
    )
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("round"):
        rows = rows.filter(target_round__name=filters["round"])
    if filters.get("q"):
        rows = rows.filter(Q(title__icontains=filters["q"]) | Q(body__icontains=filters["q"]))
    return rows


def proposal_get_for_user(*, user: Any, pk: int) -> Proposal:
    """The proposal, or NotFound where it does not exist or is someone else's draft."""
    proposal = (
        Proposal.objects.select_related(
            "target_round", "benchmark", "author", "person_in_charge", "rule_document"
        )
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not can_view_proposal(user, proposal):
        raise NotFound(f"No proposal P-{pk}.")
    return proposal


@dataclass(frozen=True)
class ProposalPage:
    proposal: Proposal
    needs: str
    concerns: list[Concern]
    open_concerns: list[Concern]
    comments: list[Comment]
    decisions: list[Decision]
    votes: list[Vote]
    running_vote: Vote | None
    moves: list[Edge]
    history: list[AuditEvent]
    rule_document: RuleDocument | None  # the document it changes, if the viewer may read it
    may: dict[str, bool] = field(default_factory=dict)
    resolvable: set[int] = field(default_factory=set)
    watching: bool = False


def proposal_page(*, user: Any, proposal: Proposal, now: datetime) -> ProposalPage:
    concerns = list(proposal.concerns.select_related("raised_by", "resolved_by"))
    open_concerns = [c for c in concerns if c.status == ConcernStatus.OPEN]
    votes = list(proposal.votes.prefetch_related("elector_rows").order_by("-opens_at"))
    running = next((v for v in votes if v.status == VoteStatus.OPEN or _undecided(v)), None)
    voted = running.ballots.values("voting_organization").distinct().count() if running else 0
    discussion = can_view_discussion(user, proposal)
    person = person_of(user)
    return ProposalPage(
        proposal=proposal,
        needs=proposal_needs(
            proposal,
            now=now,
            open_concerns=open_concerns,
            vote=running,
            voted=voted,
            electorate=len(running.elector_rows.all()) if running else 0,
        ),
        concerns=concerns,
        open_concerns=open_concerns,
        comments=list(proposal.comments.select_related("author")) if discussion else [],
        decisions=list(proposal.decisions.order_by("decided_at")),
        votes=votes,
        running_vote=running,
        moves=moves_for(user, proposal),
        history=list(audit_history(proposal).order_by("created_at", "id")),
        rule_document=visible_rule_document(user, proposal),
        may={
            "edit": can_edit_proposal(user, proposal),
            "comment": can_comment(user, proposal),
            "concern": can_raise_concern(user, proposal),
            "watch": can_watch(user, proposal),
            "run": can_run_proposal(user),
            "discussion": discussion,
            "vote": bool(running) and can_vote(user, running),
            "link": can_run_proposal(user) or (discussion and is_in_charge(user, proposal)),
        },
        resolvable={c.pk for c in concerns if can_resolve_concern(user, c)},
        watching=bool(person) and proposal.watchers.filter(pk=person.pk).exists(),
    )


def visible_rule_document(user: Any, proposal: Proposal) -> RuleDocument | None:
    """The rule document a proposal changes, unless it is members-only and ``user`` is not a
    member: the proposal is public, the document's name is not."""
    document = proposal.rule_document
    return document if document is not None and can_view_rule_document(user, document) else None


def _undecided(vote: Vote) -> bool:
    return (
        vote.status == VoteStatus.CLOSED
        and (vote.tally or {}).get("status") in ("tie", "decided")
        and not Decision.objects.filter(vote=vote).exists()
    )


def moves_for(user: Any, proposal: Proposal) -> list[Edge]:
    """The direct moves ``user`` may take from here (the buttons on the page)."""
    held = set()
    if can_run_proposal(user):
        held.add(CHAIR)
    if is_in_charge(user, proposal):
        held.add(AUTHOR)
    return [e for e in PROPOSAL.edges_from(proposal.status) if e.via == DIRECT and e.by & held]
