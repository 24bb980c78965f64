"""A vote as its page shows it: the electorate, who voted (to members), the count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.errors import NotFound
from roadmap.electorate import acting_organizations, can_vote
from roadmap.models import Ballot, Decision, Vote, VoteReminder
from roadmap.permissions import can_run_proposal, can_view_ballots, person_of
from wg.models import Organization


@dataclass(frozen=True)
class VotePage:
    vote: Vote
    electors: list[Organization]
    ballots: list[Ballot]  # every ballot in order cast (members only)
    counted: dict[int, Ballot]  # the ballot that counts per voting organisation
    not_voted: list[Organization]
    reminders: list[VoteReminder]
    decision: Decision | None
    may_vote: bool
    may_see_ballots: bool
    may_run: bool
    acting_for: list[Organization]
    my_ballot: Ballot | None

    @property
    def rows(self) -> list[tuple[Organization, Ballot | None]]:
        """Each organisation of the electorate with the ballot that counts for it."""
        return [(o, self.counted.get(o.pk)) for o in self.electors]


def vote_get(pk: int) -> Vote:
    vote = Vote.objects.select_related("proposal", "round").filter(pk=pk).first()
    if vote is None:
        raise NotFound(f"No vote {pk}.")
    return vote


def vote_page(*, user: Any, vote: Vote) -> VotePage:
    electors = sorted(
        (e.organization for e in vote.elector_rows.select_related("organization")),
        key=lambda o: o.slug,
    )
    ballots = list(
        vote.ballots.select_related("organization", "voting_organization", "person").order_by(
            "cast_at", "pk"
        )
    )
    counted = {b.voting_organization_id: b for b in ballots}  # later replaces earlier
    person = person_of(user)
    acting = acting_organizations(person=person, vote=vote) if person else []
    mine = {o.voting_organization.pk for o in acting}
    see = can_view_ballots(user)
    return VotePage(
        vote=vote,
        electors=electors,
        ballots=ballots if see else [],
        counted=counted if see else {},
        not_voted=[o for o in electors if o.pk not in counted],
        reminders=list(vote.reminders.select_related("organization")) if see else [],
        decision=Decision.objects.filter(vote=vote).first(),
        may_vote=can_vote(user, vote),
        may_see_ballots=see,
        may_run=can_run_proposal(user),
        acting_for=acting,
        my_ballot=next((counted[o] for o in mine if o in counted), None),
    )
