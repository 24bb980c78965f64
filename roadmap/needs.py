"""What a proposal still needs, in one sentence: shown at the top of its page and in the API."""

from __future__ import annotations

from datetime import datetime

from core.timezones import format_wg_time
from roadmap.models import Concern, Proposal, ProposalStatus, Vote, VoteStatus

_P = ProposalStatus


def _concerns_sentence(concerns: list[Concern]) -> str:
    names = ", ".join(f"“{c.title}”" for c in concerns)
    noun = "concern" if len(concerns) == 1 else "concerns"
    return f"its open {noun} {names} must be resolved by whoever raised it or by a chair"


def proposal_needs(
    proposal: Proposal,
    *,
    now: datetime,
    open_concerns: list[Concern],
    vote: Vote | None = None,
    voted: int = 0,
    electorate: int = 0,
) -> str:
    """One sentence saying what the proposal needs next (or that it needs nothing)."""
    status = proposal.status
    blocked = _concerns_sentence(open_concerns) if open_concerns else ""
    if status == _P.DRAFT:
        return "It needs its author to submit it once the text is ready."
    if status == _P.SUBMITTED:
        return "It needs a chair to schedule it for a meeting."
    if status == _P.SCHEDULED:
        day = proposal.scheduled_for
        when = f"the meeting of {day:%a} {day.day} {day:%b %Y}" if day else "its meeting"
        return f"It needs to be discussed at {when}."
    if status == _P.IN_DISCUSSION:
        if blocked:
            return f"Before it can be accepted, {blocked}."
        return "It needs a decision: consensus, a call for objections or a vote."
    if status == _P.CALL_FOR_OBJECTIONS:
        closes = proposal.objections_close_at
        if blocked:
            return f"An objection was raised: {blocked}, or a chair takes it back to discussion or to a vote."
        if closes and now < closes:
            return f"It is accepted unless someone objects before {format_wg_time(closes)}."
        return "The call closed without objection; its acceptance is being recorded."
    if status == _P.VOTING and vote is not None:
        if vote.status == VoteStatus.OPEN:
            return (
                f"It needs the member organisations' ballots until {format_wg_time(vote.closes_at)} "
                f"({voted} of {electorate} have voted)."
            )
        if blocked:
            return f"The vote closed; before its result is recorded, {blocked}."
        return "The vote closed in a tie: it needs the chairs to record the tie-break."
    if status == _P.ACCEPTED:
        return "It was accepted; it needs to be implemented, then a chair marks it implemented."
    if status == _P.DEFERRED:
        return "It was deferred; it needs nothing until its author submits it again."
    return f"Nothing: it is {proposal.get_status_display().lower()}."
