"""Rescheduling a round: a new submission date moves its planned milestones (the template's
times, or a chair's by the same number of days), keeps what is done, follows with the phase,
and is refused where the dates are not the roadmap's to move."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from core.models import AuditEvent
from core.timezones import to_wg_time
from roadmap import schedule
from roadmap.models import Milestone, Round
from roadmap.services.rounds import (
    milestone_transition,
    milestone_update,
    round_phases_advance,
    round_publish,
    round_reschedule,
    round_transition,
)
from submissions.models import SubmissionWindow

STEPS = {s.key: s for s in schedule.template()}


def _due(round_: Round) -> dict[str, datetime]:
    return dict(round_.milestones.values_list("key", "due_at"))


def _later(round_: Round, weeks: int = 2):
    return round_.submission_date + timedelta(weeks=weeks)


def test_planned_milestones_move_to_the_template_times_for_the_new_date(planned_round, chair):
    new = _later(planned_round)
    round_reschedule(actor=chair, round=planned_round, submission_date=new, reason="D-2026-004")
    due = _due(planned_round)
    assert due == {key: schedule.due_at(STEPS[key], new) for key in due}
    assert Round.objects.get(pk=planned_round.pk).submission_date == new


def test_done_and_skipped_milestones_keep_their_dates(planned_round, chair):
    done, skipped = (planned_round.milestones.get(key=k) for k in ("carrying-capacity", "domains"))
    milestone_transition(actor=chair, milestone=done, to="done")
    milestone_transition(actor=chair, milestone=skipped, to="skipped")
    before = _due(planned_round)
    round_reschedule(
        actor=chair, round=planned_round, submission_date=_later(planned_round), reason="Slip"
    )
    after = _due(planned_round)
    assert after["carrying-capacity"] == before["carrying-capacity"]
    assert after["domains"] == before["domains"]
    assert after["pic-identified"] == before["pic-identified"] + timedelta(weeks=2)


def test_a_milestone_moved_by_hand_keeps_its_distance_and_clock_time(planned_round, chair):
    milestone = planned_round.milestones.get(key="rcps-due")
    by_hand = to_wg_time(milestone.due_at).replace(hour=9, minute=30) + timedelta(days=3)
    milestone_update(actor=chair, milestone=milestone, due_at=by_hand)
    new = planned_round.submission_date + timedelta(days=10)
    round_reschedule(actor=chair, round=planned_round, submission_date=new, reason="Slip")
    milestone.refresh_from_db()
    assert to_wg_time(milestone.due_at) == by_hand + timedelta(days=10)
    assert to_wg_time(milestone.due_at).time().isoformat() == "09:30:00"


def test_the_reschedule_is_one_audit_event_with_the_dates_and_the_reason(planned_round, chair):
    old, new = planned_round.submission_date, _later(planned_round)
    round_reschedule(
        actor=chair,
        round=planned_round,
        submission_date=new,
        publication_date=new + timedelta(weeks=5),
        reason="Accepted schedule change D-2026-004",
    )
    event = AuditEvent.objects.get(action="round.reschedule", object_id=str(planned_round.pk))
    assert event.before["submission_date"] == old.isoformat()
    assert event.after["submission_date"] == new.isoformat()
    assert event.before["publication_date"] is None
    assert event.after["publication_date"] == (new + timedelta(weeks=5)).isoformat()
    assert event.reason == "Accepted schedule change D-2026-004"
    assert event.actor == chair
    assert set(event.after["milestones"]) == set(STEPS)


def _refusal(round_, chair, **kwargs):
    values = {"submission_date": _later(round_), "reason": "Slip"} | kwargs
    with pytest.raises(DomainError) as refused:
        round_reschedule(actor=chair, round=round_, **values)
    return str(refused.value)


def _unchanged(round_, due):
    row = Round.objects.get(pk=round_.pk)
    assert (row.submission_date, _due(round_)) == (round_.submission_date, due)
    assert not AuditEvent.objects.filter(action="round.reschedule").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda old, new: {"publication_date": new}, "must come after the submission date"),
        (lambda old, new: {"publication_date": old}, "must come after the submission date"),
        (lambda old, new: {"submission_date": old}, "already submits on"),
        (lambda old, new: {"reason": "  "}, "needs a reason"),
    ],
    ids=["publication-same-day", "publication-before", "same-date", "no-reason"],
)
def test_bad_dates_are_refused_and_nothing_moves(planned_round, chair, change, message):
    due = _due(planned_round)
    old, new = planned_round.submission_date, _later(planned_round)
    assert message in _refusal(planned_round, chair, **change(old, new))
    _unchanged(planned_round, due)


def test_the_same_dates_are_refused_saying_nothing_changes(planned_round, chair):
    day = planned_round.submission_date
    assert _refusal(planned_round, chair, submission_date=day) == (
        f"v9.0 already submits on {day:%a} {day.day} {day:%b %Y}; nothing changes."
    )
    publication = day + timedelta(weeks=5)
    Round.objects.filter(pk=planned_round.pk).update(publication_date=publication)
    assert f"and publishes on {publication:%a} {publication.day}" in _refusal(
        planned_round, chair, submission_date=day, publication_date=publication
    )


def test_a_published_or_cancelled_round_is_not_rescheduled(planned_round, chair):
    due = _due(planned_round)
    round_transition(actor=chair, round=planned_round, to="cancelled", reason="Merged")
    assert "is cancelled; its schedule is history" in _refusal(planned_round, chair)
    Round.objects.filter(pk=planned_round.pk).update(status="review")
    round_publish(actor=None, round=planned_round, at=timezone.now())
    assert "is published; its schedule is history" in _refusal(planned_round, chair)
    _unchanged(planned_round, due)


def test_only_chairs_reschedule(planned_round, member):
    due = _due(planned_round)
    with pytest.raises(PermissionDenied, match="chairs"):
        round_reschedule(
            actor=member, round=planned_round, submission_date=_later(planned_round), reason="x"
        )
    _unchanged(planned_round, due)


def _window(round_, *, opens_at: datetime, deadline: datetime) -> SubmissionWindow:
    return SubmissionWindow.objects.create(
        round=round_,
        opens_at=opens_at,
        deadline=deadline,
        review_ends_at=deadline + timedelta(weeks=4),
    )


def test_an_open_window_holds_the_date(planned_round, chair):
    deadline = schedule.due_at(STEPS["submission"], planned_round.submission_date)
    _window(planned_round, opens_at=timezone.now() - timedelta(hours=1), deadline=deadline)
    due = _due(planned_round)
    refusal = _refusal(planned_round, chair)
    assert "The submission window of v9.0 is open (it opened at" in refusal
    assert "only be changed on the round's manage page (/rounds/v9.0/manage/)" in refusal
    _unchanged(planned_round, due)


def test_a_closed_window_holds_the_date(planned_round, chair):
    long_ago = timezone.now() - timedelta(weeks=10)
    _window(planned_round, opens_at=long_ago, deadline=long_ago + timedelta(weeks=1))
    due = _due(planned_round)
    refusal = _refusal(planned_round, chair)
    assert "The submission window of v9.0 has closed" in refusal
    assert "manage page (/rounds/v9.0/manage/)" in refusal
    _unchanged(planned_round, due)


def test_a_planned_window_must_agree_with_the_new_date_first(planned_round, chair):
    deadline = schedule.due_at(STEPS["submission"], planned_round.submission_date)
    window = _window(planned_round, opens_at=deadline - timedelta(weeks=2), deadline=deadline)
    new = _later(planned_round)
    refusal = _refusal(planned_round, chair, submission_date=new)
    assert "change the window on the round's manage page" in refusal
    assert f"to a deadline on {new.isoformat()}" in refusal
    window.deadline = schedule.due_at(STEPS["submission"], new)
    window.save()
    round_reschedule(actor=chair, round=planned_round, submission_date=new, reason="Slip")
    assert Round.objects.get(pk=planned_round.pk).submission_date == new


def test_the_phase_moves_back_to_where_the_new_schedule_is(planned_round, chair):
    now = planned_round.milestones.get(key="code-final").due_at + timedelta(minutes=1)
    round_phases_advance(now=now)
    round_phases_advance(now=now)
    assert Round.objects.get(pk=planned_round.pk).status == "submission"
    round_reschedule(
        actor=chair,
        round=planned_round,
        submission_date=_later(planned_round, weeks=20),
        reason="Slip",
        now=now,
    )
    assert Round.objects.get(pk=planned_round.pk).status == "planning"
    moves = AuditEvent.objects.filter(action="round.transition", actor=chair).order_by("pk")
    assert [m.after["status"] for m in moves] == ["development", "planning"]
    assert moves[0].reason == "Rescheduled: Slip"
    assert round_phases_advance(now=now) == []


def test_a_phase_the_chairs_set_ahead_by_hand_stays(planned_round, chair):
    round_transition(actor=chair, round=planned_round, to="development")
    round_reschedule(
        actor=chair, round=planned_round, submission_date=_later(planned_round), reason="Slip"
    )
    assert Round.objects.get(pk=planned_round.pk).status == "development"


def test_a_round_without_a_date_gets_its_schedule(db, chair):
    round_ = Round.objects.create(name="v9.1", ruleset="6.1.0")
    new = timezone.localdate() + timedelta(weeks=30)
    round_reschedule(actor=chair, round=round_, submission_date=new, reason="Planned")
    assert Milestone.objects.filter(round=round_).count() == len(STEPS)
    assert _due(round_)["submission"] == schedule.due_at(STEPS["submission"], new)
