"""Every roadmap lifecycle as one table of allowed moves: states and transitions are data.

An edge says who may take it and how:

- ``by``: ``author`` (the proposal's author or person in charge), ``chair``, ``system`` (a
  scheduled task or another app's service, acting without a person);
- ``via``: ``direct`` moves go through the entity's ``*_transition`` service; ``decision`` moves
  only through a service that records a ``Decision`` in the same transaction; ``vote`` only by
  opening a vote; ``publish`` only through publication (``round_publish``).

Services look the edge up here and refuse anything else with a message saying why; tests walk
the tables, so a move added here is tested without writing a new test.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import InvalidTransition
from roadmap.models import MilestoneStatus, ProposalStatus, RoundStatus, VoteStatus
from roadmap.models.proposals import ConcernStatus

AUTHOR, CHAIR, SYSTEM = "author", "chair", "system"
DIRECT, DECISION, VOTE, PUBLISH = "direct", "decision", "vote", "publish"

_VIA_TEXT = {
    DECISION: "by recording a decision",
    VOTE: "by opening a vote",
    PUBLISH: "by publishing the round's results",
    DIRECT: "directly",
}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str  # the verb on buttons and in the audit trail
    by: frozenset[str]
    via: str = DIRECT


class Lifecycle:
    def __init__(self, name: str, labels: dict[str, str], edges: Iterable[Edge]) -> None:
        self.name = name
        self.labels = labels
        self.edges = tuple(edges)
        self._by_pair = {(e.source, e.target): e for e in self.edges}
        unknown = {s for e in self.edges for s in (e.source, e.target)} - set(labels)
        if unknown:
            raise ValueError(f"{name}: edges name unknown states {sorted(unknown)}")

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def edges_from(self, source: str) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.source == source)

    def is_terminal(self, state: str) -> bool:
        return not self.edges_from(state)

    def edge(self, source: str, target: str, *, via: str = DIRECT) -> Edge:
        """The edge from ``source`` to ``target`` taken ``via``; refuses with the reason."""
        edge = self._by_pair.get((source, target))
        if edge is None:
            raise InvalidTransition(self._refusal(source, target))
        if edge.via != via:
            raise InvalidTransition(
                f"A {self.name} moves from {self.labels[source].lower()} to "
                f"{self.labels[target].lower()} only {_VIA_TEXT[edge.via]}."
            )
        return edge

    def _refusal(self, source: str, target: str) -> str:
        here = self.labels.get(source, source).lower()
        there = self.labels.get(target, target).lower()
        onward = [self.labels[e.target].lower() for e in self.edges_from(source)]
        if not onward:
            return f"A {self.name} that is {here} is final; it cannot become {there}."
        return (
            f"A {self.name} that is {here} cannot become {there}; "
            f"it can become: {', '.join(onward)}."
        )


def _edges(rows: list[tuple[str, str, str, set[str], str]]) -> list[Edge]:
    return [Edge(s, t, action, frozenset(by), via) for s, t, action, by, via in rows]


_P = ProposalStatus
_ANYONE_IN_CHARGE = {AUTHOR, CHAIR}

PROPOSAL = Lifecycle(
    "proposal",
    dict(ProposalStatus.choices),
    _edges(
        [
            (_P.DRAFT, _P.SUBMITTED, "Submit", {AUTHOR}, DIRECT),
            (_P.DRAFT, _P.WITHDRAWN, "Withdraw", {AUTHOR}, DIRECT),
            (_P.SUBMITTED, _P.DRAFT, "Return to draft", {AUTHOR}, DIRECT),
            (_P.SUBMITTED, _P.SCHEDULED, "Schedule", {CHAIR}, DIRECT),
            (_P.SUBMITTED, _P.IN_DISCUSSION, "Open the discussion", {CHAIR}, DIRECT),
            (_P.SUBMITTED, _P.WITHDRAWN, "Withdraw", {AUTHOR}, DIRECT),
            (_P.SUBMITTED, _P.DEFERRED, "Defer", {CHAIR}, DECISION),
            (_P.SUBMITTED, _P.REJECTED, "Reject", {CHAIR}, DECISION),
            (_P.SUBMITTED, _P.SUPERSEDED, "Supersede", {CHAIR}, DECISION),
            (_P.SCHEDULED, _P.IN_DISCUSSION, "Open the discussion", {CHAIR}, DIRECT),
            (_P.SCHEDULED, _P.SUBMITTED, "Unschedule", {CHAIR}, DIRECT),
            (_P.SCHEDULED, _P.WITHDRAWN, "Withdraw", {AUTHOR}, DIRECT),
            (_P.SCHEDULED, _P.DEFERRED, "Defer", {CHAIR}, DECISION),
            (_P.SCHEDULED, _P.SUPERSEDED, "Supersede", {CHAIR}, DECISION),
            (_P.IN_DISCUSSION, _P.SCHEDULED, "Schedule again", {CHAIR}, DIRECT),
            (_P.IN_DISCUSSION, _P.CALL_FOR_OBJECTIONS, "Call for objections", {CHAIR}, DIRECT),
            (_P.IN_DISCUSSION, _P.VOTING, "Open a vote", {CHAIR}, VOTE),
            (_P.IN_DISCUSSION, _P.ACCEPTED, "Accept by consensus", {CHAIR}, DECISION),
            (_P.IN_DISCUSSION, _P.REJECTED, "Reject by consensus", {CHAIR}, DECISION),
            (_P.IN_DISCUSSION, _P.DEFERRED, "Defer", {CHAIR}, DECISION),
            (_P.IN_DISCUSSION, _P.SUPERSEDED, "Supersede", {CHAIR}, DECISION),
            (_P.IN_DISCUSSION, _P.WITHDRAWN, "Withdraw", {AUTHOR}, DIRECT),
            # Without objection by the closing time the proposal is accepted (a decision, by
            # the chairs or the scheduled task); an objection sends it back to discussion.
            (_P.CALL_FOR_OBJECTIONS, _P.ACCEPTED, "Accept", {CHAIR, SYSTEM}, DECISION),
            (_P.CALL_FOR_OBJECTIONS, _P.IN_DISCUSSION, "Back to discussion", {CHAIR}, DIRECT),
            (_P.CALL_FOR_OBJECTIONS, _P.VOTING, "Open a vote", {CHAIR}, VOTE),
            (_P.CALL_FOR_OBJECTIONS, _P.WITHDRAWN, "Withdraw", {AUTHOR}, DIRECT),
            (_P.VOTING, _P.ACCEPTED, "Accept by vote", {CHAIR, SYSTEM}, DECISION),
            (_P.VOTING, _P.REJECTED, "Reject by vote", {CHAIR, SYSTEM}, DECISION),
            # A cancelled vote, or one short of its quorum, leaves the question open.
            (_P.VOTING, _P.IN_DISCUSSION, "Back to discussion", {CHAIR, SYSTEM}, DIRECT),
            (_P.ACCEPTED, _P.IMPLEMENTED, "Mark implemented", {CHAIR, SYSTEM}, DIRECT),
            (_P.ACCEPTED, _P.SUPERSEDED, "Supersede", {CHAIR}, DECISION),
            (_P.DEFERRED, _P.SUBMITTED, "Submit again", _ANYONE_IN_CHARGE, DIRECT),
        ]
    ),
)

# States in which the text may still change, and in which members may raise concerns.
PROPOSAL_EDITABLE = frozenset({_P.DRAFT, _P.SUBMITTED, _P.SCHEDULED, _P.IN_DISCUSSION})
PROPOSAL_OPEN = frozenset(
    {_P.SUBMITTED, _P.SCHEDULED, _P.IN_DISCUSSION, _P.CALL_FOR_OBJECTIONS, _P.VOTING}
)

_R = RoundStatus
_PLANNED_PHASES = [_R.PLANNING, _R.DEVELOPMENT, _R.SUBMISSION, _R.REVIEW]

ROUND = Lifecycle(
    "round",
    dict(RoundStatus.choices),
    _edges(
        [
            (_R.PLANNING, _R.DEVELOPMENT, "Start reference development", {CHAIR, SYSTEM}, DIRECT),
            (_R.DEVELOPMENT, _R.SUBMISSION, "Start the submission phase", {CHAIR, SYSTEM}, DIRECT),
            (_R.SUBMISSION, _R.REVIEW, "Start the review", {CHAIR, SYSTEM}, DIRECT),
            # A slipped schedule: the chairs move a round back one phase.
            (_R.DEVELOPMENT, _R.PLANNING, "Back to planning", {CHAIR}, DIRECT),
            (_R.SUBMISSION, _R.DEVELOPMENT, "Back to development", {CHAIR}, DIRECT),
            (_R.REVIEW, _R.SUBMISSION, "Back to submission", {CHAIR}, DIRECT),
        ]
        # Publication has its own guards (window closed, objections decided) in the
        # submission service that calls ``round_publish``; a phase that lags behind the real
        # round must not stop it, so every phase before it may be published from.
        + [(p, _R.PUBLISHED, "Publish", {CHAIR, SYSTEM}, PUBLISH) for p in _PLANNED_PHASES]
        + [(p, _R.CANCELLED, "Cancel the round", {CHAIR}, DIRECT) for p in _PLANNED_PHASES]
    ),
)

# The order in which the schedule moves a round forward.
ROUND_FORWARD = (_R.PLANNING, _R.DEVELOPMENT, _R.SUBMISSION, _R.REVIEW)

VOTE_LIFECYCLE = Lifecycle(
    "vote",
    dict(VoteStatus.choices),
    _edges(
        [
            (VoteStatus.OPEN, VoteStatus.CLOSED, "Close", {CHAIR, SYSTEM}, DIRECT),
            (VoteStatus.OPEN, VoteStatus.CANCELLED, "Cancel", {CHAIR}, DIRECT),
        ]
    ),
)

_M = MilestoneStatus
MILESTONE = Lifecycle(
    "milestone",
    dict(MilestoneStatus.choices),
    _edges(
        [
            (_M.PLANNED, _M.DONE, "Mark done", {CHAIR}, DIRECT),
            (_M.PLANNED, _M.SKIPPED, "Skip", {CHAIR}, DIRECT),
            (_M.DONE, _M.PLANNED, "Reopen", {CHAIR}, DIRECT),
            (_M.SKIPPED, _M.PLANNED, "Reopen", {CHAIR}, DIRECT),
        ]
    ),
)

CONCERN = Lifecycle(
    "concern",
    dict(ConcernStatus.choices),
    _edges(
        [
            (ConcernStatus.OPEN, ConcernStatus.RESOLVED, "Resolve", {AUTHOR, CHAIR}, DIRECT),
            (ConcernStatus.RESOLVED, ConcernStatus.OPEN, "Reopen", {AUTHOR, CHAIR}, DIRECT),
        ]
    ),
)

ALL = (PROPOSAL, ROUND, VOTE_LIFECYCLE, MILESTONE, CONCERN)
