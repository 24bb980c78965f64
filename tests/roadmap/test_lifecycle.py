"""The transition tables, tested from the data: every allowed edge is taken through its
service, every other pair is refused with a reason and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone

from core.errors import InvalidTransition, PermissionDenied
from core.models import AuditEvent
from roadmap.lifecycle import (
    ALL,
    AUTHOR,
    CHAIR,
    DIRECT,
    MILESTONE,
    PROPOSAL,
    PUBLISH,
    ROUND,
    SYSTEM,
)
from roadmap.models import Milestone, Proposal, Round
from roadmap.services.proposals import proposal_transition
from roadmap.services.rounds import milestone_transition, round_publish, round_transition


def test_every_table_names_only_its_own_states():
    for lifecycle in ALL:
        for edge in lifecycle.edges:
            assert edge.source in lifecycle.states and edge.target in lifecycle.states
            assert edge.by <= {AUTHOR, CHAIR, SYSTEM} and edge.by
        assert not any(e.source == e.target for e in lifecycle.edges)


def test_every_proposal_state_is_reachable_from_a_draft():
    reached, frontier = {"draft"}, ["draft"]
    while frontier:
        for edge in PROPOSAL.edges_from(frontier.pop()):
            if edge.target not in reached:
                reached.add(edge.target)
                frontier.append(edge.target)
    assert reached == set(PROPOSAL.states)


def _actor(by, *, member, chair):
    if CHAIR in by:
        return chair
    if AUTHOR in by:
        return member
    return None


def _count_events(obj) -> int:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


@pytest.mark.parametrize(("source", "target"), list(product(PROPOSAL.states, PROPOSAL.states)))
def test_proposal_table(source, target, draft, member, chair):
    Proposal.objects.filter(pk=draft.pk).update(status=source)
    draft.refresh_from_db()
    edge = PROPOSAL._by_pair.get((source, target))
    before = _count_events(draft)
    extra = {
        "scheduled_for": timezone.localdate() + timedelta(days=1),
        "objections_close_at": timezone.now() + timedelta(days=3),
    }
    if edge is not None and edge.via == DIRECT:
        actor = _actor(edge.by, member=member, chair=chair)
        moved = proposal_transition(actor=actor, proposal=draft, to=target, **extra)
        assert moved.status == target
        assert Proposal.objects.get(pk=draft.pk).status == target
        event = AuditEvent.objects.filter(action="proposal.transition").first()
        assert (event.before, event.after["status"]) == ({"status": source}, target)
        return
    with pytest.raises(InvalidTransition) as refused:
        proposal_transition(actor=chair, proposal=draft, to=target, **extra)
    message = str(refused.value)
    if edge is None:
        assert "cannot become" in message or "is final" in message
    else:
        assert "only by" in message  # decisions and votes have their own services
    assert Proposal.objects.get(pk=draft.pk).status == source
    assert _count_events(draft) == before


@pytest.mark.parametrize(
    "edge", [e for e in PROPOSAL.edges if e.via == DIRECT], ids=lambda e: f"{e.source}-{e.target}"
)
def test_a_proposal_edge_refuses_whoever_may_not_take_it(edge, draft, member, member_b, chair):
    Proposal.objects.filter(pk=draft.pk).update(status=edge.source)
    draft.refresh_from_db()
    outsider_of_edge = chair if CHAIR not in edge.by else member_b
    if CHAIR not in edge.by and AUTHOR not in edge.by:
        pytest.skip("an edge for the service itself")
    if outsider_of_edge is chair and AUTHOR in edge.by:
        outsider_of_edge = member_b
    with pytest.raises(PermissionDenied):
        proposal_transition(
            actor=outsider_of_edge,
            proposal=draft,
            to=edge.target,
            scheduled_for=timezone.localdate() + timedelta(days=1),
            objections_close_at=timezone.now() + timedelta(days=3),
        )
    assert Proposal.objects.get(pk=draft.pk).status == edge.source


@pytest.mark.parametrize(("source", "target"), list(product(ROUND.states, ROUND.states)))
def test_round_table(source, target, planned_round, chair):
    published_at = timezone.now() if source == "published" else None
    Round.objects.filter(pk=planned_round.pk).update(status=source, published_at=published_at)
    planned_round.refresh_from_db()
    edge = ROUND._by_pair.get((source, target))
    if edge is not None and edge.via == DIRECT:
        moved = round_transition(actor=chair, round=planned_round, to=target)
        assert Round.objects.get(pk=planned_round.pk).status == target == moved.status
        return
    if edge is not None and edge.via == PUBLISH:
        at = timezone.now()
        round_publish(actor=None, round=planned_round, at=at)
        assert Round.objects.get(pk=planned_round.pk).published_at == at
        return
    with pytest.raises(InvalidTransition):
        round_transition(actor=chair, round=planned_round, to=target)
    if target == "published":
        return
    assert Round.objects.get(pk=planned_round.pk).status == source


@pytest.mark.parametrize("source", [s for s in ROUND.states if s != "published"])
def test_publishing_is_refused_from_every_phase_that_has_no_publish_edge(source, planned_round):
    Round.objects.filter(pk=planned_round.pk).update(status=source)
    planned_round.refresh_from_db()
    if ROUND._by_pair.get((source, "published")) is not None:
        return
    with pytest.raises(InvalidTransition):
        round_publish(actor=None, round=planned_round, at=timezone.now())
    assert Round.objects.get(pk=planned_round.pk).published_at is None


def test_a_published_round_is_never_published_again(planned_round):
    first = timezone.now()
    round_publish(actor=None, round=planned_round, at=first)
    with pytest.raises(InvalidTransition, match="is final"):
        round_publish(actor=None, round=planned_round, at=first + timedelta(days=1))
    assert Round.objects.get(pk=planned_round.pk).published_at == first


def test_a_member_cannot_move_a_round(planned_round, member):
    with pytest.raises(PermissionDenied):
        round_transition(actor=member, round=planned_round, to="development")
    assert Round.objects.get(pk=planned_round.pk).status == "planning"


@pytest.mark.parametrize(("source", "target"), list(product(MILESTONE.states, MILESTONE.states)))
def test_milestone_table(source, target, planned_round, chair):
    milestone = planned_round.milestones.first()
    Milestone.objects.filter(pk=milestone.pk).update(status=source)
    milestone.refresh_from_db()
    if (source, target) in MILESTONE._by_pair:
        milestone_transition(actor=chair, milestone=milestone, to=target)
        row = Milestone.objects.get(pk=milestone.pk)
        assert row.status == target
        assert (row.completed_at is not None) == (target == "done")
        return
    with pytest.raises(InvalidTransition):
        milestone_transition(actor=chair, milestone=milestone, to=target)
    assert Milestone.objects.get(pk=milestone.pk).status == source


def test_a_refusal_names_the_states_it_could_go_to(draft, chair):
    with pytest.raises(InvalidTransition) as refused:
        proposal_transition(actor=chair, proposal=draft, to="implemented")
    assert str(refused.value) == (
        "A proposal that is draft cannot become implemented; it can become: submitted, withdrawn."
    )
