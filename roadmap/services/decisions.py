"""Recording decisions. Every outcome of a proposal is a ``Decision`` written in the same
transaction as the proposal's move; decisions without a proposal (an exception granted in
review, a schedule change) are recorded the same way. A decision on a proposal is told to its
watchers and person in charge through the outbox (``roadmap.notifications``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, PermissionDenied
from core.timezones import to_wg_time
from roadmap import notifications
from roadmap.lifecycle import DECISION, PROPOSAL
from roadmap.models import (
    ConcernStatus,
    Decision,
    DecisionLink,
    DecisionMethod,
    DecisionOutcome,
    Proposal,
    ProposalStatus,
    Round,
    Vote,
)
from roadmap.permissions import can_run_proposal
from roadmap.services.rules.drafts import draft_for_accepted_proposal
from roadmap.services.transitions import capacities, move


def decision_record(
    *,
    actor: Any,
    outcome: str,
    method: str,
    text: str,
    title: str = "",
    proposal: Proposal | None = None,
    round: Round | None = None,
    vote: Vote | None = None,
    tally: dict[str, Any] | None = None,
    tie_break: str = "",
    objections_closed_at: datetime | None = None,
    meeting_on: date | None = None,
    decided_at: datetime | None = None,
    links: list[str] | None = None,
    superseded_by: Proposal | None = None,
) -> Decision:
    """Write a decision and, for a proposal, move it to the outcome along the table.

    Chairs record decisions; ``actor=None`` is the service itself (a vote or a call for
    objections that closed on time). Refuses to accept a proposal with an open concern.
    """
    if actor is not None and not can_run_proposal(actor):
        raise PermissionDenied("Only the working-group chairs record decisions.")
    if outcome not in DecisionOutcome.values or method not in DecisionMethod.values:
        raise DomainError(f"Unknown outcome {outcome!r} or method {method!r}.")
    if not text.strip():
        raise DomainError("Write down what was decided and why.")
    if method == DecisionMethod.VOTE and vote is None:
        raise DomainError("A decision by vote names its vote.")
    decided_at = decided_at or timezone.now()
    for url in links or []:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise DomainError(f"{url!r} is not a web address (https://…).") from None
    with transaction.atomic():
        if proposal is not None:
            moved = _move_proposal(actor, proposal, outcome, method, decided_at, superseded_by)
            proposal.status, proposal = moved.status, moved  # the caller's copy follows
            round = round or proposal.target_round
            title = title or f"{proposal.reference} {outcome}: {proposal.title}"
        if not title.strip():
            raise DomainError("A decision needs a title.")
        decision = _create_numbered(
            title=title.strip()[:200],
            proposal=proposal,
            round=round,
            outcome=outcome,
            method=method,
            text=text.strip(),
            tally=tally,
            vote=vote,
            tie_break=tie_break,
            objections_closed_at=objections_closed_at,
            meeting_on=meeting_on,
            decided_at=decided_at,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for url in links or []:
            DecisionLink.objects.create(decision=decision, url=url)
        if proposal is not None and outcome == DecisionOutcome.ACCEPTED:
            # An accepted rule change that names its document starts its draft revision.
            draft_for_accepted_proposal(proposal=proposal, decision=decision)
        audit_record(
            actor=actor,
            action="decision.record",
            obj=decision,
            after={
                "reference": decision.reference,
                "outcome": outcome,
                "method": method,
                "proposal": getattr(proposal, "pk", None),
                "vote": getattr(vote, "pk", None),
            },
        )
        notifications.decision_recorded(decision=decision, actor=actor)
    return decision


def _move_proposal(
    actor: Any,
    proposal: Proposal,
    outcome: str,
    method: str,
    decided_at: datetime,
    superseded_by: Proposal | None,
) -> Proposal:
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("target_round")
        .get(pk=proposal.pk)
    )
    if locked.status == ProposalStatus.VOTING and method != DecisionMethod.VOTE:
        raise DomainError("A vote is running: its result decides this proposal.")
    if locked.status == ProposalStatus.CALL_FOR_OBJECTIONS and outcome == DecisionOutcome.ACCEPTED:
        if method != DecisionMethod.CALL_FOR_OBJECTIONS:
            raise DomainError("Under a call for objections, acceptance comes from the call.")
        if decided_at < locked.objections_close_at:
            raise DomainError(
                "The call for objections is open until "
                f"{to_wg_time(locked.objections_close_at):%Y-%m-%d %H:%M %Z}."
            )
    if outcome == DecisionOutcome.ACCEPTED:
        open_titles = list(
            locked.concerns.filter(status=ConcernStatus.OPEN).values_list("title", flat=True)
        )
        if open_titles:
            quoted = ", ".join(f"“{t}”" for t in open_titles)
            raise DomainError(f"A proposal with an open concern cannot be accepted: {quoted}.")
    if superseded_by is not None and superseded_by.pk == locked.pk:
        raise DomainError("A proposal cannot supersede itself.")
    move(
        lifecycle=PROPOSAL,
        obj=locked,
        target=outcome,
        actor=actor,
        held=capacities(actor),
        via=DECISION,
        changes={"superseded_by": superseded_by} if superseded_by is not None else {},
    )
    return locked


def _create_numbered(**fields: Any) -> Decision:
    """Decisions are numbered per year of the working group's calendar: D-2026-001, …"""
    prefix = f"D-{to_wg_time(fields['decided_at']).year}-"
    for _attempt in range(5):
        number = Decision.objects.filter(reference__startswith=prefix).count() + 1
        try:
            with transaction.atomic():
                return Decision.objects.create(reference=f"{prefix}{number:03d}", **fields)
        except IntegrityError:
            continue  # another decision took the number meanwhile
    raise DomainError("Could not number the decision; try again.")


def proposal_decide(
    *,
    actor: Any,
    proposal: Proposal,
    outcome: str,
    text: str,
    meeting_on: date | None = None,
    superseded_by: Proposal | None = None,
    now: datetime | None = None,
) -> Decision:
    """A chair records the group's decision: by consensus, or the end of a call for
    objections (accepted only once the call closed with no open concern)."""
    method = (
        DecisionMethod.CALL_FOR_OBJECTIONS
        if proposal.status == ProposalStatus.CALL_FOR_OBJECTIONS
        else DecisionMethod.CONSENSUS
    )
    now = now or timezone.now()
    return decision_record(
        actor=actor,
        proposal=proposal,
        outcome=outcome,
        method=method,
        text=text,
        meeting_on=meeting_on,
        superseded_by=superseded_by,
        objections_closed_at=proposal.objections_close_at
        if method == DecisionMethod.CALL_FOR_OBJECTIONS
        else None,
        decided_at=now,
    )


def objections_close_due(*, now: datetime | None = None) -> list[Decision]:
    """Accept every proposal whose call for objections closed with no open concern. A call
    with an open concern waits for the chairs (back to discussion, or a vote)."""
    now = now or timezone.now()
    due = Proposal.objects.filter(
        status=ProposalStatus.CALL_FOR_OBJECTIONS, objections_close_at__lte=now
    ).exclude(concerns__status=ConcernStatus.OPEN)
    decisions = []
    for proposal in due:
        closed = proposal.objections_close_at
        text = (
            "No objection was raised during the call for objections, which closed on "
            f"{to_wg_time(closed):%Y-%m-%d at %H:%M %Z}."
        )
        try:
            decisions.append(
                decision_record(
                    actor=None,
                    proposal=proposal,
                    outcome=DecisionOutcome.ACCEPTED,
                    method=DecisionMethod.CALL_FOR_OBJECTIONS,
                    text=text,
                    objections_closed_at=closed,
                    decided_at=now,
                )
            )
        except DomainError:
            continue  # moved or objected meanwhile; the next run looks again
    return decisions
