"""Decisions: consensus, calls for objections, decisions without a proposal, numbering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from roadmap.models import Decision, Proposal
from roadmap.services import proposals as proposal_services
from roadmap.services.decisions import decision_record, objections_close_due, proposal_decide
from tests.roadmap.conftest import advance


def test_a_consensus_acceptance_writes_a_decision_with_the_proposal(in_discussion, chair):
    decision = proposal_decide(
        actor=chair,
        proposal=in_discussion,
        outcome="accepted",
        text="Consensus at the weekly meeting.",
        meeting_on=timezone.localdate(),
    )
    year = timezone.localtime(decision.decided_at).year
    assert decision.reference == f"D-{year}-001"
    assert (decision.method, decision.outcome, decision.proposal) == (
        "consensus",
        "accepted",
        in_discussion,
    )
    assert decision.round == in_discussion.target_round
    assert decision.get_absolute_url() == f"/roadmap/decisions/D-{year}-001/"
    assert Proposal.objects.get(pk=in_discussion.pk).status == "accepted"
    second = decision_record(
        actor=chair,
        title="Keep the Thursday slot",
        outcome="accepted",
        method="consensus",
        text=".",
    )
    assert second.reference == f"D-{year}-002" and second.proposal is None


def test_members_do_not_record_decisions(in_discussion, member):
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=member, proposal=in_discussion, outcome="accepted", text="Mine")
    assert not Decision.objects.exists()
    assert Proposal.objects.get(pk=in_discussion.pk).status == "in_discussion"


def test_a_call_for_objections_accepts_on_time_without_objection(in_discussion, chair):
    advance(in_discussion, chair, "call_for_objections")
    closes = Proposal.objects.get(pk=in_discussion.pk).objections_close_at
    with pytest.raises(DomainError, match="open until"):
        proposal_decide(actor=chair, proposal=in_discussion, outcome="accepted", text="Early")
    assert objections_close_due(now=closes - timedelta(seconds=1)) == []
    [decision] = objections_close_due(now=closes)
    assert (decision.method, decision.outcome, decision.objections_closed_at) == (
        "call_for_objections",
        "accepted",
        closes,
    )
    assert decision.recorded_by is None
    assert Proposal.objects.get(pk=in_discussion.pk).status == "accepted"
    assert objections_close_due(now=closes + timedelta(hours=1)) == []


def test_an_objection_stops_the_call_until_the_chairs_act(in_discussion, chair, member_b):
    advance(in_discussion, chair, "call_for_objections")
    proposal_services.concern_raise(actor=member_b, proposal=in_discussion, title="Too late")
    closes = Proposal.objects.get(pk=in_discussion.pk).objections_close_at
    assert objections_close_due(now=closes + timedelta(days=1)) == []
    assert Proposal.objects.get(pk=in_discussion.pk).status == "call_for_objections"
    advance(in_discussion, chair, "in_discussion")
    assert Proposal.objects.get(pk=in_discussion.pk).status == "in_discussion"


def test_a_deferred_proposal_comes_back_and_an_accepted_one_is_implemented(
    in_discussion, member, chair
):
    proposal_decide(actor=chair, proposal=in_discussion, outcome="deferred", text="Next round")
    advance(in_discussion, member, "submitted")
    advance(in_discussion, chair, "in_discussion")
    proposal_decide(actor=chair, proposal=in_discussion, outcome="accepted", text="Now")
    advance(in_discussion, chair, "implemented")
    assert Proposal.objects.get(pk=in_discussion.pk).status == "implemented"
    assert [d.outcome for d in in_discussion.decisions.order_by("pk")] == ["deferred", "accepted"]


def test_a_superseding_decision_names_the_newer_proposal(in_discussion, draft, member, chair):
    newer = proposal_services.proposal_create(
        actor=member, title="Better idea", kind="rule_change", body="Instead."
    )
    proposal_decide(
        actor=chair, proposal=in_discussion, outcome="superseded", text="See P", superseded_by=newer
    )
    assert Proposal.objects.get(pk=in_discussion.pk).superseded_by == newer


def test_a_decision_needs_its_text(in_discussion, chair):
    with pytest.raises(DomainError, match="Write down what was decided"):
        proposal_decide(actor=chair, proposal=in_discussion, outcome="accepted", text="  ")
    assert not Decision.objects.exists()


def test_a_decision_links_only_to_web_pages(chair):
    with pytest.raises(DomainError, match="not a web address"):
        decision_record(
            actor=chair,
            title="Exception for v9.0",
            outcome="accepted",
            method="consensus",
            text="Granted.",
            links=["javascript:alert(1)"],
        )
    assert not Decision.objects.exists()
    decision = decision_record(
        actor=chair,
        title="Exception for v9.0",
        outcome="accepted",
        method="consensus",
        text="Granted.",
        links=["https://github.com/mlcommons/training_policies/pull/600"],
    )
    assert [link.url for link in decision.links.all()] == [
        "https://github.com/mlcommons/training_policies/pull/600"
    ]
