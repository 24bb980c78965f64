"""What the roadmap tells people through the outbox: votes opening, closing with their result,
concluded or cancelled (to the electorate); a proposal's moves, comments and concerns (to its
watchers and person in charge, never the actor); decisions; each event once; preferences."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from roadmap.models import Vote
from roadmap.notifications import DECISION, PROPOSAL, VOTE
from roadmap.services import proposals as proposal_services
from roadmap.services.decisions import proposal_decide
from roadmap.services.votes import ballot_cast, vote_cancel, vote_close, vote_conclude, vote_open
from tests.roadmap.conftest import advance, give_address
from tests.workers import ROOT
from wg.models import Delivery, Notification, NotificationStatus, Role, RoleAssignment
from wg.notifications import kinds_configurable
from wg.notifications.digest import digests_send
from wg.notifications.preferences import preference_set

pytestmark = pytest.mark.usefixtures("addresses")

ELECTORATE = {
    "chair@chair-org.example",
    "member@alpha.example",
    "member-b@beta.example",
    "member-gamma-labs@gamma-labs.example",
}


def _to(**filters) -> dict[str, Notification]:
    """The outbox rows matching ``filters``, by address (one per address, or the test fails)."""
    rows = list(Notification.objects.filter(**filters))
    by_address = {n.email: n for n in rows}
    assert len(by_address) == len(rows), [n.event_key for n in rows]
    return by_address


def _open(proposal, chair, **kwargs) -> Vote:
    return vote_open(
        actor=chair,
        proposal=proposal,
        method="majority",
        closes_at=timezone.now() + timedelta(days=3),
        **kwargs,
    )


def _close(vote, chair):
    return vote_close(actor=chair, vote=vote, now=vote.closes_at + timedelta(seconds=1))


@pytest.fixture
def member_b_watches(in_discussion, member_b):
    """The proposal in discussion, watched by its author and member_b; the outbox starts empty
    (the moves that brought it here told its author already)."""
    proposal_services.proposal_watch(actor=member_b, proposal=in_discussion, watching=True)
    Notification.objects.all().delete()
    return in_discussion


def test_the_roadmap_kinds_are_registered_and_offered_on_the_preferences_page():
    codes = {k.code for k in kinds_configurable()}
    assert {VOTE.code, PROPOSAL.code, DECISION.code} <= codes


def test_a_fresh_process_knows_the_roadmap_kinds_before_any_roadmap_code_runs():
    """A worker or the web process may render preferences or unsubscribe before it imports
    a roadmap service: the app registers its kinds when Django starts."""
    code = (
        "import django; django.setup(); from wg.notifications import kinds_configurable; "
        "print(' '.join(sorted(k.code for k in kinds_configurable())))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert {"roadmap.vote", "roadmap.proposal", "roadmap.decision", "roadmap.schedule"} <= set(
        out.stdout.split()
    )


# --- Votes -------------------------------------------------------------------------------------


def test_opening_a_vote_tells_everyone_who_can_cast_a_ballot_but_the_chair_who_opened_it(
    in_discussion, chair, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vote = _open(in_discussion, chair)
    rows = _to(event_key=f"roadmap.vote:{vote.pk}:open")
    assert set(rows) == ELECTORATE - {"chair@chair-org.example"}
    message = next(m for m in mail.outbox if m.to == ["member-b@beta.example"])
    assert message.subject.startswith("Vote open until ")
    assert vote.question in message.subject and f"/roadmap/votes/{vote.pk}/" in message.body
    assert "Gamma Group" in message.body  # the electorate, affiliates under their top parent


def test_closing_a_vote_tells_the_electorate_the_result_and_the_decision(
    in_discussion, chair, member, member_b, eager, django_capture_on_commit_callbacks
):
    vote = _open(in_discussion, chair)
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_b, vote=vote, choice="yes")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _close(vote, chair)
    rows = _to(event_key=f"roadmap.vote:{vote.pk}:closed")
    assert set(rows) == ELECTORATE  # beat closes votes too: the chair is told like anyone
    decision = vote.decision
    message = next(m for m in mail.outbox if m.to == ["member-gamma-labs@gamma-labs.example"])
    assert message.subject == f"Vote closed: {vote.question} — “yes” wins"
    assert "2 of 4 voting organisations counted" in message.body
    assert decision.reference in message.body and "  yes: 2" in message.body


def test_a_vote_short_of_its_quorum_says_so_and_the_watchers_hear_it_is_back_in_discussion(
    member_b_watches, chair, member
):
    vote = _open(member_b_watches, chair, quorum=Decimal("0.9"))
    ballot_cast(actor=member, vote=vote, choice="yes")
    _close(vote, chair)
    result = _to(event_key=f"roadmap.vote:{vote.pk}:closed")["member-b@beta.example"]
    assert result.subject.endswith("— no quorum") and "did not reach its quorum" in result.body
    opened = _to(kind=PROPOSAL.code, subject__contains="is put to a vote")
    assert opened["member@alpha.example"].url.endswith(f"/roadmap/votes/{vote.pk}/")
    moved = _to(kind=PROPOSAL.code, subject__contains="is in discussion")
    assert set(moved) == {"member@alpha.example", "member-b@beta.example"}
    assert (
        "Vote " in moved["member-b@beta.example"].body
        and "quorum" in moved["member-b@beta.example"].body
    )


def test_a_tied_vote_is_told_as_tied_then_as_decided_once_the_tie_is_broken(
    in_discussion, chair, member, member_b
):
    vote = _open(in_discussion, chair)
    ballot_cast(actor=member, vote=vote, choice="yes")
    ballot_cast(actor=member_b, vote=vote, choice="no")
    _close(vote, chair)
    closed = _to(event_key=f"roadmap.vote:{vote.pk}:closed")["member@alpha.example"]
    assert "tied between “no”, “yes”" in closed.subject
    assert "the chairs record the tie-break" in closed.body
    vote_conclude(actor=chair, vote=vote, tie_break="chairs", outcome="no")
    concluded = _to(event_key=f"roadmap.vote:{vote.pk}:concluded")
    assert set(concluded) == ELECTORATE - {"chair@chair-org.example"}
    assert vote.decision.reference in concluded["member@alpha.example"].body


def test_cancelling_a_vote_tells_the_electorate_why(in_discussion, chair):
    vote = _open(in_discussion, chair)
    vote_cancel(actor=chair, vote=vote, reason="The question was worded badly.")
    rows = _to(event_key=f"roadmap.vote:{vote.pk}:cancelled")
    assert set(rows) == ELECTORATE - {"chair@chair-org.example"}
    assert "The question was worded badly." in rows["member@alpha.example"].body


def test_every_vote_event_is_told_once(in_discussion, chair, member):
    from roadmap import notifications

    vote = _open(in_discussion, chair)
    assert notifications.vote_opened(vote=vote, actor=chair) == []
    ballot_cast(actor=member, vote=vote, choice="yes")
    _close(vote, chair)
    vote.refresh_from_db()
    assert notifications.vote_closed(vote=vote, decision=vote.decision) == []
    keys = list(Notification.objects.values_list("event_key", "recipient_key"))
    assert len(keys) == len(set(keys))


# --- Proposals and their watchers -----------------------------------------------------------


def test_a_move_is_told_to_the_watchers_but_not_to_the_actor(draft, member, member_b, chair):
    advance(draft, member, "submitted")  # the author (the only watcher) acted: nobody is told
    assert not Notification.objects.filter(kind=PROPOSAL.code).exists()
    proposal_services.proposal_watch(actor=member_b, proposal=draft, watching=True)
    proposal_services.proposal_watch(actor=chair, proposal=draft, watching=True)
    advance(draft, chair, "scheduled")
    rows = _to(kind=PROPOSAL.code)
    assert set(rows) == {"member@alpha.example", "member-b@beta.example"}
    message = rows["member@alpha.example"]
    assert message.subject == f"{draft.reference} is scheduled: {draft.title}"
    assert "“Schedule”" in message.body and "from “Submitted” to “Scheduled”" in message.body
    assert "meeting of" in message.body


def test_going_back_and_forth_is_told_each_time(draft, member, chair):
    advance(draft, member, "submitted")
    advance(draft, chair, "scheduled")
    advance(draft, chair, "submitted")
    advance(draft, chair, "scheduled")
    subjects = list(
        Notification.objects.filter(email="member@alpha.example").values_list("subject", flat=True)
    )
    assert subjects.count(f"{draft.reference} is scheduled: {draft.title}") == 2


def test_the_person_in_charge_hears_of_a_proposal_they_do_not_watch(draft, member, member_b):
    draft.person_in_charge = member_b.person
    draft.save()
    advance(draft, member, "submitted")
    assert set(_to(kind=PROPOSAL.code)) == {"member-b@beta.example"}


def test_a_watcher_who_may_no_longer_see_a_draft_hears_nothing_of_it(
    draft, member, member_b, chair
):
    advance(draft, member, "submitted")
    proposal_services.proposal_watch(actor=member_b, proposal=draft, watching=True)
    advance(draft, member, "draft")  # back to its author's desk
    advance(draft, member, "submitted")
    rows = list(Notification.objects.filter(email="member-b@beta.example"))
    assert [n.subject.split(":")[0] for n in rows] == [f"{draft.reference} is submitted"]


def test_a_comment_reaches_the_watchers_who_are_still_members_but_not_its_author(
    member_b_watches, member, member_b, member_gamma_labs, chair
):
    proposal = member_b_watches
    proposal_services.proposal_watch(actor=member_gamma_labs, proposal=proposal, watching=True)
    RoleAssignment.objects.filter(person=member_gamma_labs.person, role=Role.MEMBER).update(
        end=timezone.localdate() - timedelta(days=1)
    )  # no longer a member: the discussion is members-only
    comment = proposal_services.comment_add(
        actor=member_b, proposal=proposal, body="Which **dataset**?"
    )
    rows = _to(event_key=f"roadmap.proposal:{proposal.pk}:comment:{comment.pk}")
    assert set(rows) == {"member@alpha.example"}
    assert "Which **dataset**?" in rows["member@alpha.example"].body
    assert rows["member@alpha.example"].subject.startswith(f"{proposal.reference} new comment by")


def test_concerns_raised_resolved_and_reopened_are_each_told(
    member_b_watches, member, member_b, chair
):
    proposal = member_b_watches
    concern = proposal_services.concern_raise(
        actor=member_b, proposal=proposal, title="Too slow on CPUs", body="It takes hours."
    )
    proposal_services.concern_resolve(actor=chair, concern=concern, resolution="A smaller set.")
    proposal_services.concern_resolve(actor=member_b, concern=concern, resolution="", reopen=True)
    proposal_services.concern_resolve(actor=member_b, concern=concern, resolution="Fixed.")
    to_author = Notification.objects.filter(email="member@alpha.example", kind=PROPOSAL.code)
    assert [n.subject.split(": ")[0] for n in to_author.order_by("pk")] == [
        f"{proposal.reference} concern “Too slow on CPUs” raised",
        f"{proposal.reference} concern “Too slow on CPUs” resolved",
        f"{proposal.reference} concern “Too slow on CPUs” reopened",
        f"{proposal.reference} concern “Too slow on CPUs” resolved",
    ]
    bodies = [n.body for n in to_author.order_by("pk")]
    assert "It takes hours." in bodies[0] and "cannot be accepted" in bodies[0]
    assert "A smaller set." in bodies[1] and "no longer blocks" in bodies[1]
    # member_b acted three times and was told only of the chair's resolution.
    to_b = Notification.objects.filter(email="member-b@beta.example", kind=PROPOSAL.code)
    assert [n.subject.split(": ")[0] for n in to_b] == [
        f"{proposal.reference} concern “Too slow on CPUs” resolved"
    ]


# --- Decisions -------------------------------------------------------------------------------


def test_a_decision_reaches_the_watchers_and_the_person_in_charge_but_not_the_chair(
    member_b_watches, member, member_gamma_labs, chair
):
    proposal = member_b_watches
    proposal.person_in_charge = member_gamma_labs.person
    proposal.save()
    proposal_services.proposal_watch(actor=chair, proposal=proposal, watching=True)
    decision = proposal_decide(
        actor=chair, proposal=proposal, outcome="deferred", text="Until the dataset is ready."
    )
    rows = _to(kind=DECISION.code)
    assert set(rows) == {
        "member@alpha.example",
        "member-b@beta.example",
        "member-gamma-labs@gamma-labs.example",
    }
    message = rows["member@alpha.example"]
    assert message.event_key == f"roadmap.decision:{decision.reference}"
    assert message.subject == f"Decision {decision.reference}: {decision.title}"
    assert (
        "Until the dataset is ready." in message.body and "deferred, by consensus" in message.body
    )
    assert message.url.endswith(f"/roadmap/decisions/{decision.reference}/")
    # The move itself is the decision's message, not a second one.
    assert not Notification.objects.filter(kind=PROPOSAL.code, subject__contains="deferred")


def test_a_decision_by_the_service_reaches_every_watcher(member_b_watches, chair, member):
    advance(member_b_watches, chair, "call_for_objections")
    from roadmap.services.decisions import objections_close_due

    (decision,) = objections_close_due(now=timezone.now() + timedelta(days=8))
    assert set(_to(kind=DECISION.code)) == {"member@alpha.example", "member-b@beta.example"}
    assert decision.outcome == "accepted"


def test_a_watcher_who_unwatches_hears_nothing_more(member_b_watches, member_b, chair):
    proposal_services.proposal_watch(actor=member_b, proposal=member_b_watches, watching=False)
    proposal_decide(actor=chair, proposal=member_b_watches, outcome="rejected", text="No.")
    assert "member-b@beta.example" not in _to(kind=DECISION.code)


# --- Preferences ------------------------------------------------------------------------------


def test_never_sends_nothing_and_the_digest_collects_the_rest(
    member_b_watches, member, member_b, chair, eager, django_capture_on_commit_callbacks
):
    preference_set(actor=member, person=member.person, kind=PROPOSAL.code, delivery=Delivery.NEVER)
    preference_set(
        actor=member_b, person=member_b.person, kind=PROPOSAL.code, delivery=Delivery.DAILY
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        advance(member_b_watches, chair, "scheduled")
    assert mail.outbox == []
    rows = _to(kind=PROPOSAL.code)
    assert rows["member@alpha.example"].status == NotificationStatus.SKIPPED
    assert rows["member-b@beta.example"].status == NotificationStatus.HELD
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decide(actor=chair, proposal=member_b_watches, outcome="deferred", text="Later.")
    # Decisions are their own kind: turning proposal updates off does not silence them.
    assert sorted(m.to[0] for m in mail.outbox) == ["member-b@beta.example", "member@alpha.example"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digests_send()
    (digest,) = mail.outbox
    assert digest.to == ["member-b@beta.example"]
    assert f"{member_b_watches.reference} is scheduled" in digest.body


def test_a_person_without_an_address_is_recorded_as_not_sent(member_b_watches, member_b, chair):
    give_address(member_b)
    member_b.person.emails = []
    member_b.person.save()
    advance(member_b_watches, chair, "scheduled")
    row = _to(kind=PROPOSAL.code, person=member_b.person)[""]
    assert row.status == NotificationStatus.SKIPPED


# --- Round schedules ---------------------------------------------------------------------------


def test_a_reschedule_tells_every_member_but_the_chair_once_with_the_dates_and_why(
    planned_round, chair, outsider, eager, django_capture_on_commit_callbacks
):
    from roadmap.notifications import SCHEDULE
    from roadmap.services.rounds import round_reschedule

    give_address(outsider)
    old = planned_round.submission_date
    new = old + timedelta(weeks=2)
    with django_capture_on_commit_callbacks(execute=True):
        round_reschedule(
            actor=chair, round=planned_round, submission_date=new, reason="the RCPs are late"
        )
    told = _to(kind=SCHEDULE.code)
    assert set(told) == ELECTORATE - {"chair@chair-org.example"}  # members; no outsider
    message = next(m for m in mail.outbox if m.to == ["member@alpha.example"])
    assert message.subject == f"v9.0 now submits on {new:%a %-d %b %Y}"
    assert f"submission date: {new:%A %-d %B %Y} (was {old:%A %-d %B %Y})" in message.body
    assert "Why: the RCPs are late" in message.body
    assert "/roadmap/rounds/v9.0/" in message.body
