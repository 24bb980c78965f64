"""A stored vote as the tally engine's input, and as a tally file a chair can recount."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import yaml

from roadmap.models import Vote
from roadmap.tally import BallotIn, Election, OrganizationIn


def election_for(vote: Vote, *, seed: int | str | None = None) -> Election:
    """The vote's electorate and every ballot in the order cast. A ballot cast for an
    affiliate names the affiliate with its voting organisation as parent, so the engine does
    the collapsing, as it does for a file."""
    electors = list(vote.elector_rows.select_related("organization").order_by("organization__slug"))
    ballots = list(
        vote.ballots.select_related("organization", "voting_organization", "person").order_by(
            "cast_at", "pk"
        )
    )
    organizations = {e.organization.slug: OrganizationIn(e.organization.slug) for e in electors}
    for b in ballots:
        if b.organization_id != b.voting_organization_id:
            organizations.setdefault(
                b.organization.slug, OrganizationIn(b.organization.slug, b.voting_organization.slug)
            )
    return Election(
        method=vote.method,
        options=tuple(vote.options),
        organizations=tuple(organizations.values()),
        ballots=tuple(
            BallotIn(
                org=b.organization.slug,
                person=b.person.slug,
                choice=None if b.recuse or b.ranking is not None else b.choice,
                ranking=tuple(b.ranking) if b.ranking is not None else None,
                recuse=b.recuse,
            )
            for b in ballots
        ),
        quorum=Fraction(str(vote.quorum)) if vote.quorum is not None else None,
        seed=seed,
    )


def tally_file(vote: Vote, *, seed: int | str | None = None) -> str:
    """The vote as a YAML tally file (``manage.py tally`` reads it back to the same count)."""
    election = election_for(vote, seed=seed)
    doc: dict[str, Any] = {
        "method": election.method,
        "options": list(election.options),
        "organizations": [
            {"slug": o.slug, **({"parent": o.parent} if o.parent else {})}
            for o in election.organizations
        ],
    }
    if election.quorum is not None:
        doc["quorum"] = f"{election.quorum.numerator}/{election.quorum.denominator}"
    if seed is not None:
        doc["seed"] = seed
    doc["ballots"] = [_ballot(b) for b in election.ballots]
    header = f"# Vote {vote.pk}: {vote.question}\n# Recount: python manage.py tally FILE --json\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _ballot(ballot: BallotIn) -> dict[str, Any]:
    out: dict[str, Any] = {"org": ballot.org, "person": ballot.person}
    if ballot.recuse:
        out["recuse"] = True
    elif ballot.ranking is not None:
        out["ranking"] = list(ballot.ranking)
    else:
        out["choice"] = ballot.choice
    return out
