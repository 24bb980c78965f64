"""Votes by the rules: the electorate from roles, one ballot per organisation (affiliates
collapsed), replacement while open, closing on time, immutability, ties and recounts."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.errors import DomainError, InvalidTransition, PermissionDenied
from core.models import AuditEvent
from roadmap.electorate import electorate_for
from roadmap.models import Ballot, Decision, Proposal, Vote
from roadmap.services import proposals as proposal_services
from roadmap.services.votes import (
    ballot_cast,
    vote_cancel,
    vote_close,
    vote_conclude,
    vote_open,
    votes_close_due,
)
from roadmap.voting import tally_file
from tests.factories import person_with_role
from wg.models import Role


@pytest.fixture
def voters(member, member_b, member_gamma_labs, observer):
    """Alpha (member), Beta (member_b), Gamma (through Gamma Labs) and the chairs' org."""


@pytest.fixture
def vote(in_discussion, chair, voters) -> Vote:
    return vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        closes_at=timezone.now() + timedelta(days=3),
    )


def test_the_electorate_is_the_member_organisations_collapsed_to_top_parents(voters, chair):
    slugs = [o.slug for o in electorate_for(kind="members")]
    assert slugs == ["alpha", "beta", "chair-org", "gamma"]  # not gamma-labs, no observer org


def test_a_vote_of_the_submitting_organisations_takes_the_rounds_submitters(
    planned_round, submitter_a, submitter_b, member
):
    person_with_role(Role.SUBMITTER, submitter_a.person.memberships.first().organization)
    slugs = [o.slug for o in electorate_for(kind="round_submitters", round=planned_round)]
    assert slugs == ["alpha", "beta"]


def test_opening_a_vote_fixes_the_electorate_and_moves_the_proposal(vote, in_discussion):
    assert Proposal.objects.get(pk=in_discussion.pk).status == "voting"
    assert sorted(vote.electors.values_list("slug", flat=True)) == [
        "alpha",
        "beta",
        "chair-org",
        "gamma",
    ]
    assert vote.options == ["yes", "no"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "majority", "options": ["a", "b", "c"]}, "exactly two options"),
        ({"method": "condorcet", "options": ["only"]}, "at least two options"),
        ({"method": "approval"}, "not a voting method"),
        ({"closes_at_delta": -1}, "still to come"),
        ({"quorum": Decimal("1.5")}, "between 0 and 1"),
    ],
)
def test_a_bad_vote_is_refused_and_nothing_changes(in_discussion, chair, voters, kwargs, message):
    delta = kwargs.pop("closes_at_delta", 3)
    values = {"method": "majority"} | kwargs
    with pytest.raises(DomainError, match=message):
        vote_open(
            actor=chair,
            proposal=in_discussion,
            closes_at=timezone.now() + timedelta(days=delta),
            **values,
        )
    assert not Vote.objects.exists()
    assert Proposal.objects.get(pk=in_discussion.pk).status == "in_discussion"


def test_a_vote_needs_a_proposal_in_discussion_and_no_open_concern(
    in_discussion, member, chair, member_b, voters
):
    draft = proposal_services.proposal_create(
        actor=member, title="Another", kind="rule_change", body="Text"
    )
    with pytest.raises(InvalidTransition):
        vote_open(
            actor=chair,
            proposal=draft,
            method="majority",
            closes_at=timezone.now() + timedelta(days=1),
        )
    proposal_services.concern_raise(actor=member_b, proposal=in_discussion, title="Unclear")
    with pytest.raises(DomainError, match="open concerns"):
        vote_open(
            actor=chair,
            proposal=in_discussion,
            method="majority",
            closes_at=timezone.now() + timedelta(days=1),
        )
    assert not Vote.objects.exists()


def test_an_affiliate_votes_for_its_top_parent_and_a_second_ballot_replaces_the_first(
    vote, member_gamma_labs, gamma
):
    colleague = person_with_role(Role.MEMBER, gamma, username="gamma-colleague").user
    first = ballot_cast(actor=member_gamma_labs, vote=vote, choice="yes")
    assert (first.organization.slug, first.voting_organization.slug) == ("gamma-labs", "gamma")
    second = ballot_cast(actor=colleague, vote=vote, choice="no")
    assert second.voting_organization == gamma
    events = AuditEvent.objects.filter(action="vote.ballot", object_id=str(vote.pk)).order_by("pk")
    assert [e.after["ballot_summary"] for e in events] == ["yes", "no"]
    assert events.last().after["replaces"] == first.pk
    vote_close(actor=None, vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    assert vote.tally["ballots"] == {"gamma": "no"}
    assert vote.tally["counted"] == 1


@pytest.mark.parametrize("role", ["observer", "outsider", "submitter_a"])
def test_a_person_without_a_voting_organisation_is_refused(request, role, vote):
    with pytest.raises(DomainError, match=r"no voting organisation|not linked"):
        ballot_cast(actor=request.getfixturevalue(role), vote=vote, choice="yes")
    assert not Ballot.objects.exists()


def test_a_ballot_for_an_option_that_does_not_exist_is_refused(vote, member):
    with pytest.raises(DomainError, match="choice 'maybe' is not an option"):
        ballot_cast(actor=member, vote=vote, choice="maybe")
    with pytest.raises(DomainError, match="exactly one of choice, ranking or recuse"):
        ballot_cast(actor=member, vote=vote)
    assert not Ballot.objects.exists()


def test_a_ballot_after_closing_is_refused(vote, member):
    with pytest.raises(DomainError, match="The vote closed at"):
        ballot_cast(actor=member, vote=vote, choice="yes", now=vote.closes_at)
    assert not Ballot.objects.exists()


def test_a_vote_runs_to_its_closing_time(vote, chair):
    with pytest.raises(DomainError, match="runs until"):
        vote_close(actor=chair, vote=vote, now=vote.closes_at - timedelta(seconds=1))
    assert Vote.objects.get(pk=vote.pk).status == "open"


def test_closing_counts_records_the_decision_and_freezes_the_vote(
    vote, member, member_b, member_gamma_labs, chair, in_discussion
):
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_b, vote=vote, choice="yes")
    ballot_cast(actor=member_gamma_labs, vote=vote, choice="no")
    assert votes_close_due(now=vote.closes_at - timedelta(seconds=1)) == []
    assert votes_close_due(now=vote.closes_at) == [vote.pk]
    vote.refresh_from_db()
    assert vote.status == "closed" and vote.tally["outcome"] == "yes"
    decision = Decision.objects.get(vote=vote)
    assert (decision.method, decision.outcome, decision.tally["counts"]) == (
        "vote",
        "accepted",
        {"yes": 2, "no": 1, "abstain": 0},
    )
    assert Proposal.objects.get(pk=in_discussion.pk).status == "accepted"
    with pytest.raises(DomainError, match="takes no ballots"):
        ballot_cast(actor=member, vote=vote, choice="no", now=vote.closes_at - timedelta(days=1))
    with pytest.raises(InvalidTransition):
        vote_close(actor=chair, vote=vote, now=vote.closes_at + timedelta(days=1))
    assert Ballot.objects.filter(vote=vote).count() == 3


def test_the_tally_file_of_a_vote_recounts_to_the_same_result(
    vote, member, member_b, member_gamma_labs, chair, tmp_path
):
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_gamma_labs, vote=vote, choice="no")
    ballot_cast(actor=member_b, vote=vote, recuse=True)
    ballot_cast(actor=chair, vote=vote, choice="abstain")
    vote_close(actor=None, vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    path = tmp_path / "vote.yaml"
    path.write_text(tally_file(vote))
    out = StringIO()
    call_command("tally", str(path), "--json", stdout=out)
    [recount] = json.loads(out.getvalue())
    assert {k: v for k, v in recount.items() if k != "file"} == vote.tally
    assert vote.tally["voting_organizations"] == ["alpha", "chair-org", "gamma"]


def test_a_tie_waits_for_the_chairs_and_a_draw_is_reproducible(
    vote, member, member_b, chair, tmp_path
):
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_b, vote=vote, choice="no")
    vote_close(actor=None, vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    assert (vote.tally["status"], vote.tally["tied"]) == ("tie", ["no", "yes"])
    assert not Decision.objects.exists()
    with pytest.raises(PermissionDenied):
        vote_conclude(actor=member, vote=vote, tie_break="draw")
    with pytest.raises(DomainError, match="choose one of them"):
        vote_conclude(actor=chair, vote=vote, tie_break="chairs", outcome="maybe")
    vote_conclude(actor=chair, vote=vote, tie_break="draw", seed=2026)
    decision = Decision.objects.get(vote=vote)
    assert decision.tie_break == "draw" and decision.tally["seed"] == 2026
    path = tmp_path / "draw.yaml"
    path.write_text(tally_file(vote, seed=2026))
    out = StringIO()
    call_command("tally", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())[0]["outcome"] == decision.tally["outcome"]
    with pytest.raises(DomainError, match="without a decision"):
        vote_conclude(actor=chair, vote=vote, tie_break="chairs", outcome="yes")


def test_the_chairs_break_a_tie_between_the_tied_options(vote, member, member_b, chair):
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_b, vote=vote, choice="no")
    vote_close(actor=None, vote=vote, now=vote.closes_at)
    vote_conclude(actor=chair, vote=vote, tie_break="review_chair", outcome="no", note="R.C.")
    decision = Decision.objects.get(vote=vote)
    assert (decision.outcome, decision.tie_break) == ("rejected", "review_chair")
    assert decision.proposal.status == "rejected"


def test_without_quorum_the_proposal_goes_back_to_discussion(in_discussion, chair, member, voters):
    vote = vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        closes_at=timezone.now() + timedelta(days=1),
        quorum=Decimal("0.5"),
    )
    ballot_cast(actor=member, vote=vote, choice="yes")  # 1 of 4: quorum needs 2
    vote_close(actor=None, vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    assert vote.tally["status"] == "no_quorum" and vote.tally["quorum_needed"] == 2
    assert Proposal.objects.get(pk=in_discussion.pk).status == "in_discussion"
    assert not Decision.objects.exists()


def test_an_accepting_vote_waits_for_a_concern_raised_during_it(
    vote, member, member_b, chair, in_discussion
):
    concern = proposal_services.concern_raise(actor=member_b, proposal=in_discussion, title="Cost")
    ballot_cast(actor=member, vote=vote, choice="yes")
    vote_close(actor=None, vote=vote, now=vote.closes_at)
    assert not Decision.objects.exists()
    with pytest.raises(DomainError, match="open concern cannot be accepted"):
        vote_conclude(actor=chair, vote=vote)
    proposal_services.concern_resolve(actor=member_b, concern=concern, resolution="Budgeted")
    vote_conclude(actor=chair, vote=vote)
    assert Proposal.objects.get(pk=in_discussion.pk).status == "accepted"


def test_a_cancelled_vote_takes_no_ballots_and_reopens_the_discussion(vote, chair, member):
    vote_cancel(actor=chair, vote=vote, reason="Wrong options")
    with pytest.raises(DomainError, match="cancelled"):
        ballot_cast(actor=member, vote=vote, choice="yes")
    assert Proposal.objects.get(pk=vote.proposal_id).status == "in_discussion"


def test_a_condorcet_vote_accepts_a_variant_and_the_last_option_rejects(
    in_discussion, chair, member, member_b, member_gamma_labs
):
    vote = vote_open(
        actor=chair,
        proposal=in_discussion,
        method="condorcet",
        options=["8 runs", "10 runs", "no change"],
        closes_at=timezone.now() + timedelta(days=1),
    )
    ballot_cast(actor=member, vote=vote, ranking=["8 runs", "10 runs"])
    ballot_cast(actor=member_b, vote=vote, ranking=["10 runs", "8 runs", "no change"])
    ballot_cast(actor=member_gamma_labs, vote=vote, ranking=["8 runs"])
    vote_close(actor=None, vote=vote, now=vote.closes_at)
    decision = Decision.objects.get(vote=vote)
    assert decision.outcome == "accepted" and "“8 runs”" in decision.text
