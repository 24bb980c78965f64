"""Filing, editing and moving proposals; links, watchers, comments and blocking concerns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, InvalidTransition, PermissionDenied
from core.models import AuditEvent
from roadmap.models import Comment, Concern, Decision, Proposal, ProposalKind
from roadmap.services import proposals as services
from roadmap.services.decisions import proposal_decide
from roadmap.services.rounds import round_publish, round_transition
from tests.roadmap.conftest import advance


def test_a_member_files_a_draft_and_watches_it(draft, member):
    assert draft.status == "draft" and draft.author.user == member
    assert list(draft.watchers.all()) == [member.person]
    [link] = draft.links.all()
    assert (link.kind, link.label) == ("pull", "mlcommons/training_policies#581")
    assert AuditEvent.objects.filter(action="proposal.create", object_id=str(draft.pk)).exists()


@pytest.mark.parametrize("role", ["anonymous", "outsider", "observer"])
def test_only_members_file_proposals(request, role, planned_round):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.proposal_create(actor=user, title="T", kind=ProposalKind.RULE_CHANGE, body="B")
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("status", ["published", "cancelled"])
def test_a_proposal_for_a_round_that_is_over_is_refused(planned_round, member, chair, status):
    if status == "published":
        round_publish(actor=None, round=planned_round, at=timezone.now())
    else:
        round_transition(actor=chair, round=planned_round, to="cancelled")
    with pytest.raises(DomainError, match=f"v9.0 is {status}"):
        services.proposal_create(
            actor=member,
            title="Late idea",
            kind=ProposalKind.EXCEPTION,
            body="Please.",
            target_round=planned_round,
        )
    assert not Proposal.objects.exists()


def test_a_draft_for_a_round_published_meanwhile_cannot_be_submitted(draft, member):
    round_publish(actor=None, round=draft.target_round, at=timezone.now())
    with pytest.raises(DomainError, match="is published"):
        advance(draft, member, "submitted")
    assert Proposal.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (ProposalKind.RETIRE_BENCHMARK, "names its benchmark"),
        (ProposalKind.TARGET_CHANGE, "names its benchmark"),
        (ProposalKind.EXCEPTION, "names its round"),
        (ProposalKind.SCHEDULE_CHANGE, "names its round"),
        ("bribe", "not a kind of proposal"),
    ],
)
def test_each_kind_names_what_it_changes(member, kind, message):
    with pytest.raises(DomainError, match=message):
        services.proposal_create(actor=member, title="T", kind=kind, body="B")


def test_the_author_edits_until_the_decision_process_starts(draft, member, member_b, chair):
    values = dict(
        title="Add a small diffusion benchmark (v2)",
        kind=draft.kind,
        body="Now with a dataset.",
        target_round=draft.target_round,
        benchmark=None,
        person_in_charge=member_b.person,
    )
    services.proposal_update(actor=member, proposal=draft, **values)
    draft.refresh_from_db()
    assert draft.title.endswith("(v2)") and draft.person_in_charge == member_b.person
    # The person in charge may now edit too; another member may not.
    services.proposal_update(actor=member_b, proposal=draft, **values | {"body": "Edited."})
    outsider_member = member.__class__.objects.create(username="another")
    with pytest.raises(PermissionDenied):
        services.proposal_update(actor=outsider_member, proposal=draft, **values)
    advance(draft, member, "submitted")
    advance(draft, chair, "in_discussion", "call_for_objections")
    with pytest.raises(DomainError, match="not edited any more"):
        services.proposal_update(actor=member, proposal=draft, **values)


def test_a_proposal_is_scheduled_for_a_meeting_to_come(draft, member, chair):
    advance(draft, member, "submitted")
    with pytest.raises(DomainError, match="still to come"):
        services.proposal_transition(
            actor=chair,
            proposal=draft,
            to="scheduled",
            scheduled_for=timezone.localdate() - timedelta(days=1),
        )
    with pytest.raises(DomainError, match="for which meeting"):
        services.proposal_transition(actor=chair, proposal=draft, to="scheduled")
    assert Proposal.objects.get(pk=draft.pk).status == "submitted"


def test_a_member_who_is_not_the_author_cannot_submit_or_withdraw(draft, member_b):
    for target in ("submitted", "withdrawn"):
        with pytest.raises(PermissionDenied, match="its author or person in charge"):
            services.proposal_transition(actor=member_b, proposal=draft, to=target)


def test_only_the_raiser_or_a_chair_resolves_a_concern(in_discussion, member, member_b, chair):
    concern = services.concern_raise(
        actor=member_b, proposal=in_discussion, title="No dataset license", body="Which one?"
    )
    with pytest.raises(PermissionDenied):
        services.concern_resolve(actor=member, concern=concern, resolution="It is fine")
    assert Concern.objects.get(pk=concern.pk).status == "open"
    services.concern_resolve(actor=member_b, concern=concern, resolution="CC-BY 4.0, checked")
    concern.refresh_from_db()
    assert (concern.status, concern.resolved_by) == ("resolved", member_b.person)
    services.concern_resolve(actor=chair, concern=concern, resolution="", reopen=True)
    assert Concern.objects.get(pk=concern.pk).status == "open"
    services.concern_resolve(actor=chair, concern=concern, resolution="Agreed in the meeting")
    assert Concern.objects.get(pk=concern.pk).status == "resolved"


def test_a_proposal_with_an_open_concern_cannot_be_accepted(in_discussion, member_b, chair):
    services.concern_raise(actor=member_b, proposal=in_discussion, title="RCPs missing")
    with pytest.raises(DomainError, match="open concern cannot be accepted: “RCPs missing”"):
        proposal_decide(actor=chair, proposal=in_discussion, outcome="accepted", text="Consensus")
    assert Proposal.objects.get(pk=in_discussion.pk).status == "in_discussion"
    assert not Decision.objects.exists()
    with pytest.raises(DomainError, match="Resolve the open concern"):
        advance(in_discussion, chair, "call_for_objections")


@pytest.mark.parametrize("role", ["anonymous", "outsider", "observer"])
def test_only_members_raise_concerns_and_comment(request, role, in_discussion):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.concern_raise(actor=user, proposal=in_discussion, title="No")
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=user, proposal=in_discussion, body="Hi")
    assert not Concern.objects.exists() and not Comment.objects.exists()


def test_a_decided_proposal_takes_no_new_concern(in_discussion, member_b, chair):
    proposal_decide(actor=chair, proposal=in_discussion, outcome="rejected", text="No capacity")
    with pytest.raises(DomainError, match="takes no new concerns"):
        services.concern_raise(actor=member_b, proposal=in_discussion, title="Late")


def test_members_comment_and_watch(in_discussion, member_b):
    comment = services.comment_add(actor=member_b, proposal=in_discussion, body="+1 from Beta")
    assert comment.author == member_b.person
    services.proposal_watch(actor=member_b, proposal=in_discussion, watching=True)
    assert member_b.person in in_discussion.watchers.all()
    services.proposal_watch(actor=member_b, proposal=in_discussion, watching=False)
    assert member_b.person not in in_discussion.watchers.all()


def test_a_bad_link_is_refused(draft, member):
    with pytest.raises(DomainError, match="not a web address"):
        services.proposal_link_add(actor=member, proposal=draft, url="javascript:alert(1)")
    with pytest.raises(DomainError, match="linked already"):
        services.proposal_link_add(
            actor=member,
            proposal=draft,
            url="https://github.com/mlcommons/training_policies/pull/581",
        )
    assert draft.links.count() == 1


def test_two_chairs_racing_on_one_proposal_cannot_both_move_it(in_discussion, chair):
    stale = Proposal.objects.get(pk=in_discussion.pk)
    advance(in_discussion, chair, "scheduled")
    with pytest.raises(InvalidTransition):
        # ``stale`` still says in discussion; the service re-reads under a lock and refuses.
        services.proposal_transition(
            actor=chair,
            proposal=stale,
            to="call_for_objections",
            objections_close_at=timezone.now() + timedelta(days=3),
        )
    assert Proposal.objects.get(pk=in_discussion.pk).status == "scheduled"
