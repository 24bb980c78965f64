"""Votes: opening one on a proposal, ballots, closing at the closing time, and concluding.

Counting is the tally engine's (``roadmap.tally``), fed the ballots in the order they were cast,
exactly as a recount from the vote's tally file would be. Opening, closing, concluding and
cancelling a vote are told to its electorate through the outbox (``roadmap.notifications``), in
the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, PermissionDenied
from core.timezones import format_wg_time
from roadmap import notifications
from roadmap.electorate import ballot_organization, electorate_for
from roadmap.lifecycle import PROPOSAL, VOTE, VOTE_LIFECYCLE
from roadmap.models import (
    Ballot,
    ConcernStatus,
    Decision,
    DecisionMethod,
    DecisionOutcome,
    ElectorateKind,
    Proposal,
    ProposalStatus,
    Round,
    TieBreak,
    Vote,
    VoteElector,
    VoteMethod,
    VoteStatus,
)
from roadmap.permissions import can_run_proposal, person_of
from roadmap.services.decisions import decision_record
from roadmap.services.transitions import capacities, move
from roadmap.tally import BallotIn, Election, TallyError, check_ballot, tally, validate
from roadmap.voting import election_for
from wg.models import Organization

TWO_OPTIONS = ["yes", "no"]


def _require_chair(actor: Any) -> None:
    if actor is not None and not can_run_proposal(actor):
        raise PermissionDenied("Only the working-group chairs run votes.")


def vote_open(
    *,
    actor: Any,
    proposal: Proposal,
    method: str,
    closes_at: datetime,
    options: list[str] | None = None,
    electorate: str = ElectorateKind.MEMBERS,
    round: Round | None = None,
    quorum: Decimal | None = None,
    question: str = "",
    now: datetime | None = None,
) -> Vote:
    """Open a vote on a proposal under discussion (or under a call for objections).

    For two options the first accepts the proposal; for a Condorcet vote the last option is
    the status quo (it rejects the proposal) and any other winner accepts that variant. The
    electorate is fixed now: the voting organisations of ``electorate``.
    """
    _require_chair(actor)
    now = now or timezone.now()
    if method not in VoteMethod.values:
        raise DomainError(f"{method!r} is not a voting method.")
    options = [o.strip() for o in (options or TWO_OPTIONS) if o.strip()]
    if closes_at <= now:
        raise DomainError("A vote closes at a time still to come.")
    if quorum is not None and not Decimal(0) <= quorum <= Decimal(1):
        raise DomainError("The quorum is a fraction of the electorate between 0 and 1.")
    if electorate == ElectorateKind.ROUND_SUBMITTERS:
        round = round or proposal.target_round
    try:
        validate(Election(method=method, options=tuple(options), organizations=()))
    except TallyError as exc:
        raise DomainError(f"The vote's {exc}") from None
    electors = electorate_for(kind=electorate, round=round)
    if not electors:
        raise DomainError("No organisation is in this electorate, so nobody could vote.")
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.concerns.filter(status=ConcernStatus.OPEN).exists():
            raise DomainError("Resolve the open concerns before the vote: they block acceptance.")
        moved = move(
            lifecycle=PROPOSAL,
            obj=locked,
            target=ProposalStatus.VOTING,
            actor=actor,
            held=capacities(actor),
            via=VOTE,
        )
        proposal.status = locked.status
        vote = Vote.objects.create(
            proposal=locked,
            question=(question or f"Accept {locked.reference}: {locked.title}?")[:300],
            method=method,
            options=options,
            electorate=electorate,
            round=round,
            quorum=quorum,
            opened_by=actor,
            opens_at=now,
            closes_at=closes_at,
        )
        VoteElector.objects.bulk_create(VoteElector(vote=vote, organization=o) for o in electors)
        audit_record(
            actor=actor,
            action="vote.open",
            obj=vote,
            after={
                "method": method,
                "options": options,
                "closes_at": closes_at.isoformat(),
                "electorate": [o.slug for o in electors],
                "quorum": str(quorum) if quorum is not None else None,
            },
        )
        notifications.vote_opened(vote=vote, actor=actor)
        notifications.proposal_moved(
            proposal=locked, moved=moved, actor=actor, url=vote.get_absolute_url()
        )
    return vote


def ballot_cast(
    *,
    actor: Any,
    vote: Vote,
    choice: str | None = None,
    ranking: list[str] | None = None,
    recuse: bool = False,
    organization: Organization | None = None,
    now: datetime | None = None,
) -> Ballot:
    """Cast the ballot of the actor's voting organisation. A later ballot of the same
    organisation replaces this one while the vote is open; both stay on record."""
    now = now or timezone.now()
    person = person_of(actor)
    with transaction.atomic():
        # The vote's row lock orders ballots against closing: none lands after the count.
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        if locked.status != VoteStatus.OPEN:
            raise DomainError(
                f"The vote is {locked.get_status_display().lower()}; it takes no ballots."
            )
        if now >= locked.closes_at:
            raise DomainError(
                f"The vote closed at {format_wg_time(locked.closes_at)}; it takes no ballots."
            )
        org = ballot_organization(person=person, vote=locked, organization=organization)
        voting = org.voting_organization
        try:
            check_ballot(
                "Your ballot",
                BallotIn(
                    org=org.slug,
                    person=person.slug,
                    choice=choice or None,
                    ranking=tuple(ranking) if ranking is not None else None,
                    recuse=recuse,
                ),
                locked.options,
                {org.slug: voting.slug},
            )
        except TallyError as exc:
            raise DomainError(str(exc).replace(f" ({org.slug})", "")) from None
        previous = locked.ballots.filter(voting_organization=voting).last()
        ballot = Ballot.objects.create(
            vote=locked,
            organization=org,
            voting_organization=voting,
            person=person,
            choice=(choice or "") if not recuse else "",
            ranking=list(ranking) if ranking is not None else None,
            recuse=recuse,
            cast_at=now,
        )
        audit_record(
            actor=actor,
            action="vote.ballot",
            obj=locked,
            after={
                "ballot": ballot.pk,
                "organization": voting.slug,
                "as": org.slug,
                "ballot_summary": ballot.summary,
                "replaces": previous.pk if previous else None,
            },
        )
    return ballot


def vote_close(*, actor: Any, vote: Vote, now: datetime | None = None) -> Vote:
    """Count a vote whose closing time has come, store the tally (the vote is then
    immutable) and, when the count decides it, record the decision."""
    _require_chair(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Vote.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=vote.pk)
        )
        if locked.status == VoteStatus.OPEN and now < locked.closes_at:
            raise DomainError(
                f"The vote runs until {format_wg_time(locked.closes_at)}; "
                "cancel it if it must stop early."
            )
        result = tally(election_for(locked)).as_dict()
        move(
            lifecycle=VOTE_LIFECYCLE,
            obj=locked,
            target=VoteStatus.CLOSED,
            actor=actor,
            held=capacities(actor),
            changes={"tally": result, "closed_at": now},
        )
        _after_count(actor, locked, result, now)
        notifications.vote_closed(
            vote=locked, decision=Decision.objects.filter(vote=locked).first()
        )
    return locked


def _after_count(actor: Any, vote: Vote, result: dict[str, Any], now: datetime) -> None:
    proposal = vote.proposal
    if result["status"] == "no_quorum" and proposal is not None:
        # Not decided: the proposal goes back to the discussion (the chairs may vote again).
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        reason = f"Vote {vote.pk} did not reach its quorum."
        moved = move(
            lifecycle=PROPOSAL,
            obj=locked,
            target=ProposalStatus.IN_DISCUSSION,
            actor=actor,
            held=capacities(actor),
            reason=reason,
        )
        notifications.proposal_moved(proposal=locked, moved=moved, actor=actor, reason=reason)
        return
    if result["outcome"] is None:
        return  # a tie: the chairs record the tie-break
    outcome = outcome_of(vote, result["outcome"])
    if (
        outcome == DecisionOutcome.ACCEPTED
        and proposal is not None
        and proposal.concerns.filter(status=ConcernStatus.OPEN).exists()
    ):
        return  # accepted only once the concern is resolved (vote_conclude)
    _record(actor, vote, result, now)


def outcome_of(vote: Vote, option: str) -> str:
    """What a winning option means for the proposal (see ``vote_open``)."""
    rejecting = vote.options[1] if vote.method != VoteMethod.CONDORCET else vote.options[-1]
    return DecisionOutcome.REJECTED if option == rejecting else DecisionOutcome.ACCEPTED


def _record(
    actor: Any,
    vote: Vote,
    result: dict[str, Any],
    now: datetime,
    *,
    tie_break: str = "",
    note: str = "",
) -> Decision:
    counted = f"{result['counted']} of {len(result['voting_organizations'])} voting organisations"
    text = (
        f"{vote.get_method_display()} vote, closed {format_wg_time(vote.closes_at)}: "
        f"“{result['outcome']}” ({result['status'].replace('_', ' ')}); {counted} counted."
    )
    if note:
        text += f"\n\n{note}"
    return decision_record(
        actor=actor,
        proposal=vote.proposal,
        round=vote.round,
        outcome=outcome_of(vote, result["outcome"]),
        method=DecisionMethod.VOTE,
        text=text,
        title="" if vote.proposal else vote.question,
        vote=vote,
        tally=result,
        tie_break=tie_break,
        decided_at=now,
    )


def vote_conclude(
    *,
    actor: Any,
    vote: Vote,
    tie_break: str = "",
    outcome: str = "",
    seed: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Vote:
    """Record the decision of a closed vote the count left open: a tie settled by the next
    step of the chain (the review chair, then the chairs, then a draw with a recorded seed),
    or an accepting result that waited for a concern to be resolved."""
    if actor is None or not can_run_proposal(actor):
        raise PermissionDenied("Only the working-group chairs conclude a vote.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Vote.objects.select_for_update(of=("self",)).select_related("proposal").get(pk=vote.pk)
        )
        if locked.status != VoteStatus.CLOSED or hasattr(locked, "decision"):
            raise DomainError("Only a closed vote without a decision is concluded.")
        result = dict(locked.tally or {})
        if result.get("status") == "no_quorum":
            raise DomainError("The vote did not reach its quorum; it decided nothing.")
        if result.get("outcome") is None:
            result = _break_tie(locked, result, tie_break, outcome, seed)
        elif tie_break:
            raise DomainError("The vote was not tied.")
        decision = _record(
            actor, locked, result, now, tie_break=result.get("tie_break", ""), note=note
        )
        notifications.vote_concluded(vote=locked, decision=decision, actor=actor)
    return locked


def _break_tie(
    vote: Vote, result: dict[str, Any], tie_break: str, outcome: str, seed: int | None
) -> dict[str, Any]:
    tied = result.get("tied") or []
    if tie_break == TieBreak.DRAW:
        drawn_seed = seed if seed is not None else secrets.randbelow(2**31)
        drawn = tally(election_for(vote, seed=drawn_seed)).as_dict()
        return drawn | {"tie_break": TieBreak.DRAW}
    if tie_break in (TieBreak.REVIEW_CHAIR, TieBreak.CHAIRS):
        if outcome not in tied:
            raise DomainError(f"The tie is between {', '.join(tied)}; choose one of them.")
        return result | {"outcome": outcome, "status": "decided", "tie_break": tie_break}
    raise DomainError(
        "The vote is tied: say who broke the tie (the review chair, the chairs, or a draw)."
    )


def vote_cancel(*, actor: Any, vote: Vote, reason: str) -> Vote:
    """Stop an open vote without counting it; the proposal goes back to discussion."""
    if actor is None or not can_run_proposal(actor):
        raise PermissionDenied("Only the working-group chairs cancel a vote.")
    if not reason.strip():
        raise DomainError("Say why the vote is cancelled.")
    with transaction.atomic():
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        move(
            lifecycle=VOTE_LIFECYCLE,
            obj=locked,
            target=VoteStatus.CANCELLED,
            actor=actor,
            held=capacities(actor),
            reason=reason,
            changes={"closed_at": timezone.now()},
        )
        notifications.vote_cancelled(vote=locked, actor=actor, reason=reason)
        if locked.proposal_id is not None:
            proposal = Proposal.objects.select_for_update().get(pk=locked.proposal_id)
            moved = move(
                lifecycle=PROPOSAL,
                obj=proposal,
                target=ProposalStatus.IN_DISCUSSION,
                actor=actor,
                held=capacities(actor),
                reason=reason,
            )
            notifications.proposal_moved(proposal=proposal, moved=moved, actor=actor, reason=reason)
    return locked


def votes_close_due(*, now: datetime | None = None) -> list[int]:
    """Close every open vote whose closing time has passed (run by beat every minute)."""
    now = now or timezone.now()
    closed = []
    for vote_id in Vote.objects.filter(status=VoteStatus.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            vote_close(actor=None, vote=Vote(pk=vote_id), now=now)
        except DomainError:
            continue  # closed by someone else meanwhile
        closed.append(vote_id)
    return closed
