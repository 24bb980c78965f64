"""The one sentence a proposal page opens with: what the proposal still needs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from roadmap.lifecycle import PROPOSAL
from roadmap.models import Proposal
from roadmap.selectors.proposals import proposal_page
from roadmap.services import proposals as services
from roadmap.services.votes import ballot_cast, vote_open


@pytest.mark.parametrize("status", PROPOSAL.states)
def test_every_state_has_one_sentence(draft, member, status):
    Proposal.objects.filter(pk=draft.pk).update(status=status)
    draft.refresh_from_db()
    needs = proposal_page(user=member, proposal=draft, now=timezone.now()).needs
    assert needs.endswith(".") and needs.count(". ") == 0, needs


def test_the_sentence_follows_the_proposal(in_discussion, member, member_b, chair):
    def needs():
        return proposal_page(user=member, proposal=in_discussion, now=timezone.now()).needs

    assert needs() == "It needs a decision: consensus, a call for objections or a vote."
    concern = services.concern_raise(actor=member_b, proposal=in_discussion, title="Cost")
    assert needs() == (
        "Before it can be accepted, its open concern “Cost” must be resolved by whoever raised "
        "it or by a chair."
    )
    services.concern_resolve(actor=member_b, concern=concern, resolution="Budgeted")
    vote_open(
        actor=chair,
        proposal=in_discussion,
        method="majority",
        closes_at=timezone.now() + timedelta(days=1),
    )
    ballot_cast(actor=member, vote=in_discussion.votes.get(), choice="yes")
    assert needs().startswith("It needs the member organisations' ballots until ")
    assert needs().endswith("(1 of 3 have voted).")
