"""Rounds on the T-minus schedule: milestones from the template, chairs' edits, phases that
follow the schedule, and publication as the one way to set ``published_at``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from roadmap import schedule
from roadmap.models import Milestone, Round
from roadmap.services.rounds import (
    milestone_transition,
    milestone_update,
    milestones_generate,
    round_create,
    round_phases_advance,
)

PACIFIC = ZoneInfo("America/Los_Angeles")


def test_the_template_follows_the_rules_schedule():
    plan = {p.step.key: p for p in schedule.plan(date(2026, 10, 16))}  # v6.1, a Friday
    due = {k: p.due_at.astimezone(PACIFIC) for k, p in plan.items()}
    assert due["carrying-capacity"] == datetime(2026, 4, 3, 23, 59, tzinfo=PACIFIC)  # T-28
    assert due["rcps-due"].date() == date(2026, 7, 24)  # T-12 weeks
    assert due["code-final"].date() == date(2026, 9, 18)  # T-4 weeks
    assert due["submission"] == datetime(2026, 10, 16, 13, 0, tzinfo=PACIFIC)  # 1 pm Pacific
    assert due["cla-and-contacts"].date() == date(2026, 9, 30)  # Week -2, Wednesday
    assert due["objections-due"].date() == date(2026, 10, 23)  # Week 1, Friday
    assert due["publication"] == datetime(2026, 11, 11, 10, 0, tzinfo=PACIFIC)  # Week 4, Wed
    assert plan["carrying-capacity"].when == "T-28 weeks"
    assert plan["objections-due"].when == "Week 1, Friday"


def test_a_round_submitting_on_another_weekday_keeps_the_distances_to_the_deadline():
    plan = {p.step.key: p for p in schedule.plan(date(2027, 5, 4))}  # a Tuesday
    due = {k: p.due_at.astimezone(PACIFIC).date() for k, p in plan.items()}
    assert due["notify-not-submitting"] == date(2027, 5, 3)  # the day before, as for a Friday
    assert due["objections-due"] == date(2027, 5, 11)  # a week after
    assert (plan["notify-not-submitting"].when, plan["objections-due"].when) == (
        "T-1 day",
        "T+7 days",
    )
    assert plan["rcps-due"].when == "T-12 weeks"


def test_due_times_keep_their_pacific_clock_across_daylight_saving():
    plan = {p.step.key: p for p in schedule.plan(date(2026, 10, 16))}
    # PDT in October, PST after 1 November: each keeps its local time.
    assert plan["objections-due"].due_at.utcoffset() == timedelta(hours=-7)
    assert plan["final-code-and-results"].due_at.utcoffset() == timedelta(hours=-8)
    assert {p.due_at.astimezone(PACIFIC).time().isoformat() for p in plan.values()} >= {"23:59:00"}


def test_a_chair_creates_a_round_from_its_submission_date(catalogue, chair):
    round_ = round_create(
        actor=chair, name="v9.0", ruleset="6.1.0", submission_date=date(2027, 5, 14)
    )
    assert round_.status == "planning"
    assert round_.milestones.count() == len(schedule.template())
    assert sorted(round_.benchmark_versions.values_list("benchmark__slug", flat=True))[:2] == [
        "deepseekv3_671b",
        "dlrmv4",
    ]
    assert round_.benchmark_versions.get(benchmark__slug="dlrmv4").target == "eval_accuracy ≥ 0.75"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ruleset": "9.9.9"}, "not in the installed mlperf-logging"),
        ({"name": "v6.1"}, "exists already"),
        ({"publication_date": date(2027, 1, 1)}, "publication date comes after"),
    ],
)
def test_a_round_with_bad_data_is_refused_and_nothing_is_created(catalogue, chair, kwargs, message):
    values = {"name": "v9.0", "ruleset": "6.1.0", "submission_date": date(2027, 5, 14)} | kwargs
    count = Round.objects.count()
    with pytest.raises(DomainError, match=message):
        round_create(actor=chair, **values)
    assert Round.objects.count() == count


def test_only_chairs_create_rounds(catalogue, member):
    with pytest.raises(PermissionDenied):
        round_create(actor=member, name="v9.0", ruleset="6.1.0", submission_date=date(2027, 5, 14))


def test_generating_again_keeps_the_chairs_edits(planned_round, chair):
    milestone = planned_round.milestones.get(key="rcps-due")
    new_due = milestone.due_at + timedelta(days=7)
    milestone_update(actor=chair, milestone=milestone, due_at=new_due, owner="RCP task force")
    Milestone.objects.filter(round=planned_round, key="domains").delete()
    assert milestones_generate(actor=None, round=planned_round) == 1
    milestone.refresh_from_db()
    assert (milestone.due_at, milestone.owner) == (new_due, "RCP task force")


def test_members_cannot_edit_milestones(planned_round, member):
    milestone = planned_round.milestones.first()
    with pytest.raises(PermissionDenied):
        milestone_update(actor=member, milestone=milestone, title="Mine now")
    with pytest.raises(PermissionDenied):
        milestone_transition(actor=member, milestone=milestone, to="done")


def test_the_schedule_of_a_published_round_is_history(planned_round, chair):
    from roadmap.services.rounds import round_publish

    round_publish(actor=None, round=planned_round, at=timezone.now())
    with pytest.raises(DomainError, match="history"):
        milestone_update(actor=chair, milestone=planned_round.milestones.first(), title="Late")


def test_phases_follow_the_schedule_one_edge_at_a_time(planned_round):
    from core.models import AuditEvent

    code_final = planned_round.milestones.get(key="code-final").due_at
    assert round_phases_advance(now=code_final - timedelta(minutes=1)) == [
        ("v9.0", "planning", "development")
    ]
    assert round_phases_advance(now=code_final + timedelta(minutes=1)) == [
        ("v9.0", "development", "submission")
    ]
    assert round_phases_advance(now=code_final + timedelta(minutes=2)) == []
    submission = planned_round.milestones.get(key="submission").due_at
    round_phases_advance(now=submission + timedelta(seconds=1))
    assert Round.objects.get(pk=planned_round.pk).status == "review"
    events = AuditEvent.objects.filter(action="round.transition", object_id=str(planned_round.pk))
    assert events.count() == 3 and all(e.actor_label == "system" for e in events)


def test_a_round_created_late_catches_up_through_each_phase(planned_round):
    submission = planned_round.milestones.get(key="submission").due_at
    moves = round_phases_advance(now=submission + timedelta(days=1))
    assert [m[2] for m in moves] == ["development", "submission", "review"]


def test_phases_never_move_a_published_or_cancelled_round(planned_round, chair):
    from roadmap.services.rounds import round_transition

    round_transition(actor=chair, round=planned_round, to="cancelled", reason="merged into v9.1")
    assert round_phases_advance(now=timezone.now() + timedelta(weeks=60)) == []
    assert Round.objects.get(pk=planned_round.pk).status == "cancelled"


def test_publishing_through_submissions_goes_through_the_roadmap_lifecycle(planned_round):
    """The submissions service calls ``round_publish``; the round becomes published with
    its time and an audited transition, and the database refuses a half-published round."""
    from django.db import IntegrityError, transaction

    from core.models import AuditEvent
    from roadmap.services.rounds import round_publish

    at = timezone.now()
    round_publish(actor=None, round=planned_round, at=at)
    row = Round.objects.get(pk=planned_round.pk)
    assert (row.status, row.published_at) == ("published", at)
    event = AuditEvent.objects.get(action="round.transition", object_id=str(row.pk))
    assert event.after["action"] == "Publish"
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=row.pk).update(published_at=None)
