"""Properties of the tally engine, checked on generated elections (hypothesis)."""

from __future__ import annotations

import math
import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap.tally import ABSTAIN, BallotIn, Election, OrganizationIn, tally

OPTIONS = ("a", "b", "c", "d")


@st.composite
def organizations(draw, min_size: int = 1, max_size: int = 8):
    """Top-level organisations, each with 0-2 affiliates (some of them two levels deep)."""
    count = draw(st.integers(min_size, max_size))
    orgs: list[OrganizationIn] = []
    for i in range(count):
        top = f"org{i}"
        orgs.append(OrganizationIn(top))
        parent = top
        for j in range(draw(st.integers(0, 2))):
            child = f"{top}-aff{j}"
            orgs.append(OrganizationIn(child, parent))
            parent = draw(st.sampled_from([top, child]))
    return orgs


def top_of(orgs: list[OrganizationIn]) -> dict[str, str]:
    parents = {o.slug: o.parent for o in orgs}
    out = {}
    for slug in parents:
        current = slug
        while parents[current] is not None:
            current = parents[current]
        out[slug] = current
    return out


def ballot_strategy(orgs: list[OrganizationIn], options: tuple[str, ...]):
    ranking = st.permutations(options).flatmap(
        lambda perm: st.integers(0, len(perm)).map(lambda k: tuple(perm[:k]))
    )
    kind = st.one_of(
        st.builds(lambda c: {"choice": c}, st.sampled_from((*options, ABSTAIN))),
        st.builds(lambda r: {"ranking": r}, ranking),
        st.just({"recuse": True}),
    )
    return st.builds(
        lambda org, person, k: BallotIn(org=org, person=person, **k),
        st.sampled_from([o.slug for o in orgs]),
        st.sampled_from(["p1", "p2", "p3"]),
        kind,
    )


@st.composite
def elections(draw, method: str | None = None, with_recusals: bool = True):
    method = method or draw(st.sampled_from(["majority", "two_thirds", "condorcet"]))
    if method == "condorcet":
        options = OPTIONS[: draw(st.integers(2, len(OPTIONS)))]
    else:
        options = ("yes", "no")
    orgs = draw(organizations())
    ballots = draw(st.lists(ballot_strategy(orgs, options), max_size=14))
    if not with_recusals:
        ballots = [b for b in ballots if not b.recuse]
    quorum = draw(st.none() | st.fractions(0, 1, max_denominator=6))
    seed = draw(st.none() | st.integers(0, 1000))
    return Election(
        method=method,
        options=options,
        organizations=tuple(orgs),
        ballots=tuple(ballots),
        quorum=quorum,
        seed=seed,
    )


def final_ballots(election: Election) -> dict[str, BallotIn]:
    top = top_of(list(election.organizations))
    final = {}
    for b in election.ballots:
        final[top[b.org]] = b
    return final


def rank(ballot: BallotIn, options: tuple[str, ...]) -> dict[str, int]:
    if ballot.ranking is not None:
        order = list(ballot.ranking)
    elif ballot.choice not in (None, ABSTAIN):
        order = [ballot.choice]
    else:
        order = []
    return {o: order.index(o) if o in order else len(options) for o in options}


def condorcet_winner(election: Election) -> str | None:
    """An independent check: the option preferred to each other one by more voters."""
    ballots = [b for b in final_ballots(election).values() if not b.recuse]
    ranks = [rank(b, election.options) for b in ballots]
    for x in election.options:
        if all(
            sum(r[x] < r[y] for r in ranks) > sum(r[y] < r[x] for r in ranks)
            for y in election.options
            if y != x
        ):
            return x
    return None


@settings(max_examples=300)
@given(elections(method="condorcet"))
def test_a_condorcet_winner_always_wins(election):
    winner = condorcet_winner(election)
    result = tally(election)
    if winner is not None and result.status != "no_quorum":
        assert (result.status, result.outcome) == ("decided", winner)


@given(st.data())
def test_an_option_most_organisations_rank_first_wins_by_condorcet(data):
    orgs = [OrganizationIn(f"org{i}") for i in range(data.draw(st.integers(1, 9)))]
    favourite = data.draw(st.sampled_from(OPTIONS))
    majority = len(orgs) // 2 + 1
    ballots = []
    for i, org in enumerate(orgs):
        others = data.draw(st.permutations([o for o in OPTIONS if o != favourite]))
        ranking = [favourite, *others] if i < majority else others
        ballots.append(BallotIn(org=org.slug, person="p", ranking=tuple(ranking)))
    order = data.draw(st.permutations(ballots))
    election = Election("condorcet", OPTIONS, tuple(orgs), tuple(order))
    assert tally(election).outcome == favourite


@settings(max_examples=300)
@given(elections(), st.randoms(use_true_random=False))
def test_the_order_of_ballots_from_different_organisations_never_matters(election, rnd):
    top = top_of(list(election.organizations))
    by_org: dict[str, list[BallotIn]] = {}
    for b in election.ballots:
        by_org.setdefault(top[b.org], []).append(b)
    # Interleave the organisations at random, keeping each organisation's own order.
    queues = [list(bs) for bs in by_org.values()]
    shuffled = []
    while queues:
        queue = rnd.choice(queues)
        shuffled.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    reordered = Election(
        election.method,
        election.options,
        election.organizations,
        tuple(shuffled),
        election.quorum,
        election.seed,
    )
    assert tally(reordered).as_dict() == tally(election).as_dict()


@settings(max_examples=300)
@given(elections())
def test_affiliates_never_get_two_votes(election):
    result = tally(election)
    top = top_of(list(election.organizations))
    assert result.counted <= len(set(top.values()))
    assert set(result.ballots) <= set(top.values())
    # The same election cast by the top parents alone counts the same.
    as_parents = tuple(
        BallotIn(
            org=top[b.org], person=b.person, choice=b.choice, ranking=b.ranking, recuse=b.recuse
        )
        for b in election.ballots
    )
    collapsed = Election(
        election.method,
        election.options,
        election.organizations,
        as_parents,
        election.quorum,
        election.seed,
    )
    assert tally(collapsed).as_dict() == result.as_dict()


@settings(max_examples=300)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 5))
def test_two_thirds_rounds_up(yes, no, abstain):
    orgs = [OrganizationIn(f"o{i}") for i in range(yes + no + abstain)]
    choices = ["yes"] * yes + ["no"] * no + [ABSTAIN] * abstain
    ballots = tuple(
        BallotIn(org=o.slug, person="p", choice=c) for o, c in zip(orgs, choices, strict=True)
    )
    result = tally(Election("two_thirds", ("yes", "no"), tuple(orgs), ballots))
    # Integer arithmetic: yes ≥ ⌈2n/3⌉ ⟺ 3·yes ≥ 2n for whole numbers.
    first_wins = yes + no > 0 and 3 * yes >= 2 * (yes + no)
    assert result.status == "decided"
    assert result.outcome == ("yes" if first_wins else "no")
    assert result.two_thirds_needed == math.ceil(2 * (yes + no) / 3)


@settings(max_examples=300)
@given(elections())
def test_quorum_holds(election):
    result = tally(election)
    electorate = len(result.voting_organizations)
    if election.quorum is None:
        assert result.status != "no_quorum"
        return
    q = Fraction(election.quorum)
    # counted < ⌈q·E⌉ ⟺ counted < q·E for a whole number ``counted``.
    short = result.counted * q.denominator < q.numerator * electorate
    assert (result.status == "no_quorum") == short
    if short:
        assert result.outcome is None and result.tied == []


@settings(max_examples=200)
@given(elections())
def test_a_draw_is_the_seeded_choice_among_the_tied(election):
    result = tally(election)
    if result.status == "decided_by_draw":
        assert election.seed is not None
        assert result.outcome == random.Random(election.seed).choice(sorted(result.tied))
    if result.status == "tie":
        assert election.seed is None and result.outcome is None and len(result.tied) >= 2
    if result.status == "decided":
        assert result.tied == [] and result.outcome in election.options


@settings(max_examples=200)
@given(elections())
def test_recused_organisations_leave_the_electorate(election):
    result = tally(election)
    final = final_ballots(election)
    recused = sorted(org for org, b in final.items() if b.recuse)
    assert result.recused == recused
    assert not set(recused) & set(result.voting_organizations)
    assert result.counted == sum(1 for b in final.values() if not b.recuse)
