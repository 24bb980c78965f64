"""Counting one vote by the MLCommons rules the working group follows.

- One vote per organisation: an organisation votes through its top parent (affiliates and
  subsidiaries collapse into it); the electorate is the set of those voting organisations.
- A later ballot of the same voting organisation replaces its earlier one; an organisation whose
  last ballot is a recusal leaves the electorate.
- Quorum: the voting organisations with a counted ballot (abstentions count) must reach
  ``ceil(quorum * electorate)``.
- ``majority`` (two options): more non-abstaining votes wins, equal counts tie.
- ``two_thirds`` (two options, the first is the proposal): the first wins with at least
  ``ceil(2/3 * non-abstaining votes)`` votes and at least one vote; otherwise the second.
- ``condorcet``: the option that beats every other pairwise wins; otherwise minimax by margins
  (the smallest largest pairwise defeat); options equal on that tie.
- A tie with a seed is drawn with ``random.Random(seed).choice(sorted(tied))``: the last step of
  the tie-break chain, after the review chair and the chairs, whose decisions people record.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

ABSTAIN = "abstain"
METHODS = ("majority", "two_thirds", "condorcet")
TWO_OPTION_METHODS = ("majority", "two_thirds")


class TallyError(ValueError):
    """The election cannot be counted; the message names the part that is wrong and why."""


@dataclass(frozen=True)
class OrganizationIn:
    slug: str
    parent: str | None = None


@dataclass(frozen=True)
class BallotIn:
    """One ballot as cast: exactly one of ``choice``, ``ranking`` or ``recuse``."""

    org: str
    person: str
    choice: str | None = None
    ranking: tuple[str, ...] | None = None
    recuse: bool = False


@dataclass(frozen=True)
class Election:
    method: str
    options: tuple[str, ...]
    organizations: tuple[OrganizationIn, ...]
    ballots: tuple[BallotIn, ...] = ()
    quorum: Fraction | None = None
    seed: int | float | str | None = None


@dataclass(frozen=True)
class TallyResult:
    method: str
    status: str  # decided, decided_by_draw, tie, no_quorum
    outcome: str | None
    tied: list[str]
    voting_organizations: list[str]
    counted: int
    recused: list[str]
    quorum_needed: int | None
    counts: dict[str, int]
    ballots: dict[str, Any]
    two_thirds_needed: int | None = None
    pairwise: dict[str, dict[str, int]] | None = None
    worst_defeat: dict[str, int] | None = None
    seed: int | float | str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the ``tally`` command and of a stored vote's tally."""
        out: dict[str, Any] = {
            "method": self.method,
            "status": self.status,
            "outcome": self.outcome,
            "tied": self.tied,
            "voting_organizations": self.voting_organizations,
            "counted": self.counted,
            "recused": self.recused,
            "quorum_needed": self.quorum_needed,
            "counts": self.counts,
            "ballots": self.ballots,
        }
        if self.two_thirds_needed is not None:
            out["two_thirds_needed"] = self.two_thirds_needed
        if self.pairwise is not None:
            out["pairwise"] = self.pairwise
            out["worst_defeat"] = self.worst_defeat
        if self.status == "decided_by_draw":
            out["seed"] = self.seed
        return out | self.extra


def tally(election: Election) -> TallyResult:
    """Count ``election``; raises :class:`TallyError` when it is not a valid election."""
    top = validate(election)
    final: dict[str, BallotIn] = {}
    for ballot in election.ballots:  # in the order cast: a later ballot replaces the earlier
        final[top[ballot.org]] = ballot
    recused = sorted(org for org, b in final.items() if b.recuse)
    electorate = sorted(set(top.values()) - set(recused))
    counted = {org: b for org, b in final.items() if not b.recuse}
    needed = None
    if election.quorum is not None:
        needed = math.ceil(election.quorum * len(electorate))
    common: dict[str, Any] = {
        "method": election.method,
        "voting_organizations": electorate,
        "counted": len(counted),
        "recused": recused,
        "quorum_needed": needed,
        "counts": _first_choices(election.options, counted.values()),
        "ballots": {org: _describe(counted[org]) for org in sorted(counted)},
        "seed": election.seed,
    }
    if needed is not None and len(counted) < needed:
        return TallyResult(status="no_quorum", outcome=None, tied=[], **common)
    if election.method == "condorcet":
        return _condorcet(election, list(counted.values()), common)
    return _two_options(election, common)


def _two_options(election: Election, common: dict[str, Any]) -> TallyResult:
    first, second = election.options
    yes, no = common["counts"][first], common["counts"][second]
    if election.method == "two_thirds":
        # Two-thirds of the votes cast for either option, rounded up: 2 of 3, 3 of 4, 4 of 5.
        needed = math.ceil(Fraction(2, 3) * (yes + no))
        winner = first if yes + no > 0 and yes >= needed else second
        return TallyResult(
            status="decided", outcome=winner, tied=[], two_thirds_needed=needed, **common
        )
    if yes != no:
        return TallyResult(
            status="decided", outcome=first if yes > no else second, tied=[], **common
        )
    return _tie(sorted(election.options), election.seed, common)


def _condorcet(election: Election, ballots: list[BallotIn], common: dict[str, Any]) -> TallyResult:
    options = election.options
    wins = {x: dict.fromkeys((y for y in options if y != x), 0) for x in options}
    for ballot in ballots:
        rank = _positions(ballot, len(options))
        for x in options:
            for y in options:
                if x != y and rank.get(x, len(options)) < rank.get(y, len(options)):
                    wins[x][y] += 1
    # Margin of each defeat: votes against minus votes for; a win is a negative margin.
    worst = {x: max(wins[y][x] - wins[x][y] for y in options if y != x) for x in options}
    extra = {"pairwise": wins, "worst_defeat": worst}
    beats_all = [x for x in options if worst[x] < 0]
    if beats_all:
        return TallyResult(status="decided", outcome=beats_all[0], tied=[], **extra, **common)
    best = min(worst.values())
    leaders = sorted(x for x in options if worst[x] == best)
    if len(leaders) == 1:
        return TallyResult(status="decided", outcome=leaders[0], tied=[], **extra, **common)
    return _tie(leaders, election.seed, common | extra)


def _tie(tied: list[str], seed: Any, common: dict[str, Any]) -> TallyResult:
    if seed is None:
        return TallyResult(status="tie", outcome=None, tied=tied, **common)
    drawn = random.Random(seed).choice(sorted(tied))
    return TallyResult(status="decided_by_draw", outcome=drawn, tied=tied, **common)


def _positions(ballot: BallotIn, unranked: int) -> dict[str, int]:
    """Rank of each ranked option (0 = best); unranked options share the rank below them all."""
    if ballot.ranking is not None:
        return {option: i for i, option in enumerate(ballot.ranking)}
    if ballot.choice is not None and ballot.choice != ABSTAIN:
        return {ballot.choice: 0}
    return {}


def _top_choice(ballot: BallotIn) -> str | None:
    if ballot.ranking is not None:
        return ballot.ranking[0] if ballot.ranking else None
    return None if ballot.choice in (None, ABSTAIN) else ballot.choice


def _first_choices(options: Sequence[str], ballots: Iterable[BallotIn]) -> dict[str, int]:
    counts = dict.fromkeys(options, 0) | {ABSTAIN: 0}
    for ballot in ballots:
        counts[_top_choice(ballot) or ABSTAIN] += 1
    return counts


def _describe(ballot: BallotIn) -> Any:
    return list(ballot.ranking) if ballot.ranking is not None else ballot.choice


# --- Validation --------------------------------------------------------------------------------


def validate(election: Election) -> dict[str, str]:
    """Check the election and return each known organisation's voting organisation."""
    if election.method not in METHODS:
        raise TallyError(f"method: {election.method!r} is not one of {', '.join(METHODS)}")
    _check_options(election)
    top = _voting_organizations(election.organizations)
    if election.quorum is not None and not 0 <= election.quorum <= 1:
        raise TallyError(f"quorum: {election.quorum} is not a fraction between 0 and 1")
    if election.seed is not None and (
        isinstance(election.seed, bool) or not isinstance(election.seed, int | float | str)
    ):
        raise TallyError(f"seed: {election.seed!r} is not a number or a string")
    for i, ballot in enumerate(election.ballots):
        check_ballot(f"ballots[{i}]", ballot, election.options, top)
    return top


def _check_options(election: Election) -> None:
    options = election.options
    if any(not isinstance(o, str) or not o for o in options):
        raise TallyError("options: every option is a non-empty string")
    if len(set(options)) != len(options):
        raise TallyError(f"options: an option is listed twice ({', '.join(options)})")
    if ABSTAIN in options:
        raise TallyError(f"options: {ABSTAIN!r} is how a ballot abstains, not an option")
    if election.method in TWO_OPTION_METHODS and len(options) != 2:
        raise TallyError(
            f"options: {election.method} needs exactly two options (the proposal first, "
            f"e.g. [yes, no]); got {len(options)}"
        )
    if len(options) < 2:
        raise TallyError(f"options: condorcet needs at least two options; got {len(options)}")


def _voting_organizations(organizations: Sequence[OrganizationIn]) -> dict[str, str]:
    parents: dict[str, str | None] = {}
    for i, org in enumerate(organizations):
        if not isinstance(org.slug, str) or not org.slug:
            raise TallyError(f"organizations[{i}]: slug is missing")
        if org.slug in parents:
            raise TallyError(f"organizations[{i}]: {org.slug!r} is listed twice")
        if org.parent is not None and (not isinstance(org.parent, str) or not org.parent):
            raise TallyError(f"organizations[{i}] ({org.slug}): parent is not a slug")
        parents[org.slug] = org.parent
    top: dict[str, str] = {}
    for slug in parents:
        seen, current = [slug], slug
        # An unlisted parent is still an organisation: the chain ends there.
        while parents.get(current) is not None:
            current = parents[current]  # type: ignore[assignment]
            if current in seen:
                raise TallyError(
                    f"organizations: the parents of {slug!r} loop back ({' → '.join([*seen, current])})"
                )
            seen.append(current)
        top[slug] = current
    for voting in set(top.values()):
        top.setdefault(voting, voting)
    return top


def check_ballot(where: str, ballot: BallotIn, options: Sequence[str], top: dict[str, str]) -> None:
    if not isinstance(ballot.org, str) or ballot.org not in top:
        raise TallyError(f"{where}: organisation {ballot.org!r} is outside the electorate")
    where = f"{where} ({ballot.org})"
    if not isinstance(ballot.person, str) or not ballot.person:
        raise TallyError(f"{where}: person is missing")
    given = [ballot.choice is not None, ballot.ranking is not None, bool(ballot.recuse)]
    if sum(given) != 1:
        raise TallyError(f"{where}: a ballot has exactly one of choice, ranking or recuse: true")
    if ballot.choice is not None and ballot.choice not in (*options, ABSTAIN):
        raise TallyError(
            f"{where}: choice {ballot.choice!r} is not an option ({', '.join(options)}) "
            f"or {ABSTAIN!r}"
        )
    if ballot.ranking is not None:
        unknown = [o for o in ballot.ranking if o not in options]
        if unknown:
            raise TallyError(
                f"{where}: ranking names {unknown[0]!r}, which is not an option "
                f"({', '.join(options)})"
            )
        if len(set(ballot.ranking)) != len(ballot.ranking):
            raise TallyError(f"{where}: ranking lists an option twice")
