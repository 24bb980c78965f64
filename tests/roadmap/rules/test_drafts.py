"""An accepted rule change starts a draft revision; publishing it implements the proposal."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.errors import DomainError, InvalidTransition, PermissionDenied
from core.models import AuditEvent
from core.timezones import to_wg_time
from roadmap.models import ProposalKind, RuleRevision
from roadmap.services import proposals as proposal_services
from roadmap.services.decisions import proposal_decide
from roadmap.services.rules.drafts import (
    rule_draft_create,
    rule_draft_discard,
    rule_draft_publish,
    rule_draft_update,
)
from roadmap.services.rules.revisions import rule_section_edit
from tests.roadmap.conftest import advance
from tests.roadmap.rules.conftest import V2, import_text

V3 = V2.replace("The global batch size is 16384.", "The global batch size is 8192 or 16384.")


@pytest.fixture
def rule_change(member, chair, training):
    proposal = proposal_services.proposal_create(
        actor=member,
        title="Allow two DeepSeek batch sizes",
        kind=ProposalKind.RULE_CHANGE,
        body="Allow 8192 too.",
        rule_document=training,
    )
    advance(proposal, member, "submitted")
    return advance(proposal, chair, "in_discussion")


def test_accepting_a_rule_change_starts_a_draft_of_its_document(rule_change, chair, training):
    decision = proposal_decide(actor=chair, proposal=rule_change, outcome="accepted", text="OK")
    draft = RuleRevision.objects.get(status="draft")
    assert (draft.document, draft.proposal, draft.decision) == (training, rule_change, decision)
    assert draft.number is None and draft.base.number == 2
    assert draft.source == draft.base.source and draft.sections.count() == 8
    assert "Implements P-" in draft.message


def test_a_rejected_rule_change_or_one_without_a_document_starts_no_draft(
    rule_change, member, chair, training
):
    proposal_decide(actor=chair, proposal=rule_change, outcome="rejected", text="No")
    other = proposal_services.proposal_create(
        actor=member, title="Vague", kind=ProposalKind.RULE_CHANGE, body="Change something."
    )
    advance(other, member, "submitted")
    advance(other, chair, "in_discussion")
    proposal_decide(actor=chair, proposal=other, outcome="accepted", text="OK")
    assert not RuleRevision.objects.filter(status="draft").exists()
    # The chairs start it by hand, naming the document.
    draft = rule_draft_create(actor=chair, document=training, proposal=other)
    assert draft.proposal == other and draft.decision.outcome == "accepted"
    assert rule_draft_create(actor=chair, document=training, proposal=other) == draft  # once


def test_publishing_the_draft_numbers_it_and_marks_the_proposal_implemented(
    rule_change, chair, training
):
    proposal_decide(actor=chair, proposal=rule_change, outcome="accepted", text="OK")
    draft = RuleRevision.objects.get(status="draft")
    rule_draft_update(actor=chair, draft=draft, source=V3, message="Two batch sizes")
    published = rule_draft_publish(actor=chair, draft=draft)
    assert (published.number, published.status, published.proposal) == (3, "published", rule_change)
    assert published.message == "Two batch sizes" and published.decision is not None
    assert published.date == to_wg_time(timezone.now()).date()
    assert published.author == rule_change.author
    rule_change.refresh_from_db()
    assert rule_change.status == "implemented"
    move = AuditEvent.objects.get(action="proposal.transition", after__status="implemented")
    assert move.after["action"] == "Mark implemented"


def test_a_draft_that_changes_nothing_is_not_published(rule_change, chair):
    proposal_decide(actor=chair, proposal=rule_change, outcome="accepted", text="OK")
    draft = RuleRevision.objects.get(status="draft")
    with pytest.raises(DomainError, match="equals revision 2"):
        rule_draft_publish(actor=chair, draft=draft)
    rule_change.refresh_from_db()
    assert rule_change.status == "accepted"


def test_a_draft_overtaken_by_a_newer_revision_is_refused_until_its_text_is_uploaded_again(
    rule_change, chair, training
):
    proposal_decide(actor=chair, proposal=rule_change, outcome="accepted", text="OK")
    draft = RuleRevision.objects.get(status="draft")
    rule_section_edit(
        actor=chair,
        revision=draft,
        anchor="training-loop--deepseek-constraints",
        text="=== DeepSeek constraints\n\nThe global batch size is 8192 or 16384.\n",
        message="",
    )
    import_text(V2.replace("Version 2.", "Version 2.1."), message="Another change meanwhile")
    with pytest.raises(DomainError, match="Revision 3 was published after this draft started"):
        rule_draft_publish(actor=chair, draft=draft)
    assert training.revisions.filter(status="published").count() == 3
    rule_draft_update(
        actor=chair, draft=draft, source=V3.replace("Version 2.", "Version 2.1."), message="Rebased"
    )
    assert rule_draft_publish(actor=chair, draft=draft).number == 4


def test_published_revisions_are_not_drafts_any_more(rule_change, chair, member, training):
    proposal_decide(actor=chair, proposal=rule_change, outcome="accepted", text="OK")
    draft = RuleRevision.objects.get(status="draft")
    with pytest.raises(PermissionDenied):
        rule_draft_publish(actor=member, draft=draft)
    rule_draft_update(actor=chair, draft=draft, source=V3)
    rule_draft_publish(actor=chair, draft=draft, message="Two sizes")
    with pytest.raises(DomainError, match="published"):
        rule_draft_update(actor=chair, draft=draft, source=V2)
    with pytest.raises(DomainError, match="published"):
        rule_draft_discard(actor=chair, draft=draft)


def test_a_draft_is_only_for_an_accepted_proposal(rule_change, chair, training):
    with pytest.raises(DomainError, match="accepted proposal"):
        rule_draft_create(actor=chair, document=training, proposal=rule_change)


def test_implemented_is_reached_only_from_accepted(rule_change, chair, training):
    proposal_decide(actor=chair, proposal=rule_change, outcome="rejected", text="No")
    with pytest.raises(InvalidTransition):
        proposal_services.proposal_transition(actor=chair, proposal=rule_change, to="implemented")


@pytest.mark.parametrize("role", ["anonymous", "observer", "member"])
def test_a_public_rule_change_names_its_members_only_document_to_members_only(
    rule_change, training, client, request, role
):
    training.public = False
    training.title = "Confidential Training Rules"
    training.save(update_fields=["public", "title"])
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    page = client.get(rule_change.get_absolute_url())
    api = client.get(f"/api/roadmap/proposals/{rule_change.pk}").json()
    listed = client.get("/api/roadmap/proposals").json()
    assert page.status_code == 200  # the proposal itself is public
    member = role == "member"
    assert (b"Confidential Training Rules" in page.content) is member
    assert api["rule_document"] == ("training" if member else None)
    assert [p["rule_document"] for p in listed] == ["training" if member else None]
