"""Rounds: creation from a submission date, milestones, phases and publication."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record, upsert_with_audit
from core.errors import DomainError, PermissionDenied
from core.timezones import to_wg_time
from roadmap import notifications, schedule
from roadmap.catalogue_meta import round_benchmark_values
from roadmap.lifecycle import MILESTONE, PUBLISH, ROUND, ROUND_FORWARD, SYSTEM
from roadmap.models import (
    Benchmark,
    BenchmarkVersion,
    Milestone,
    MilestoneStatus,
    Round,
    RoundStatus,
)
from roadmap.permissions import can_plan_rounds
from roadmap.rulesets import known_rulesets
from roadmap.schedule_holds import hold_reasons
from roadmap.services.transitions import capacities, move
from wg.models import Person


def _require_planner(actor: Any) -> None:
    if not can_plan_rounds(actor):
        raise PermissionDenied("Only the working-group chairs plan rounds.")


def round_create(
    *,
    actor: Any,
    name: str,
    ruleset: str,
    submission_date: date,
    publication_date: date | None = None,
) -> Round:
    """Create a round with the benchmarks of its ruleset and the milestones of the template."""
    _require_planner(actor)
    if ruleset not in known_rulesets():
        raise DomainError(
            f"Ruleset {ruleset} is not in the installed mlperf-logging package "
            f"(it has {', '.join(sorted(known_rulesets()))})."
        )
    if publication_date is not None and publication_date <= submission_date:
        raise DomainError("The publication date comes after the submission date.")
    from mlperf_logging.benchmark_meta import get_allowed_benchmarks  # loaded on first use

    slugs = sorted(set(get_allowed_benchmarks("training", ruleset)))
    known = {b.slug: b for b in Benchmark.objects.filter(slug__in=slugs)}
    missing = [s for s in slugs if s not in known]
    if missing:
        raise DomainError(
            f"Ruleset {ruleset} has benchmarks the catalogue does not describe yet: "
            f"{', '.join(missing)} (add them to data/catalogue.yaml)."
        )
    with transaction.atomic():
        if Round.objects.filter(name=name).exists():
            raise DomainError(f"A round named {name} exists already.")
        round_ = Round.objects.create(
            name=name,
            ruleset=ruleset,
            submission_date=submission_date,
            publication_date=publication_date,
        )
        audit_record(
            actor=actor,
            action="round.create",
            obj=round_,
            after={"name": name, "ruleset": ruleset, "submission_date": str(submission_date)},
        )
        for slug in slugs:
            BenchmarkVersion.objects.create(
                round=round_, benchmark=known[slug], **round_benchmark_values(ruleset, slug)
            )
        milestones_generate(actor=actor, round=round_)
    return round_


def milestones_generate(*, actor: Any, round: Round) -> int:
    """Add the template's milestones the round does not have yet (idempotent; a chair's edits
    are kept). Returns how many were added. The caller owns the transaction."""
    if round.submission_date is None:
        return 0
    have = set(round.milestones.values_list("key", flat=True))
    added = [
        Milestone(
            round=round,
            key=p.step.key,
            title=p.step.title,
            description=p.step.description,
            when=p.when,
            phase=p.step.phase,
            advances_to=p.step.advances_to,
            owner=p.step.owner,
            due_at=p.due_at,
            position=p.position,
        )
        for p in schedule.plan(round.submission_date)
        if p.step.key not in have
    ]
    Milestone.objects.bulk_create(added)
    if added:
        audit_record(
            actor=actor,
            action="round.milestones_generate",
            obj=round,
            after={"added": [m.key for m in added]},
        )
    return len(added)


def _editable_schedule(round_: Round) -> None:
    if not round_.is_active:
        raise DomainError(
            f"{round_.name} is {round_.get_status_display().lower()}; its schedule is history."
        )


def milestone_update(
    *,
    actor: Any,
    milestone: Milestone,
    title: str | None = None,
    due_at: datetime | None = None,
    owner: str | None = None,
    owner_person: Person | None = None,
    note: str | None = None,
) -> Milestone:
    """A chair edits one milestone of an active round (times are stored in UTC)."""
    _require_planner(actor)
    values: dict[str, Any] = {
        k: v
        for k, v in {"title": title, "due_at": due_at, "owner": owner, "note": note}.items()
        if v is not None
    }
    if owner_person is not None or "owner" in values:
        values["owner_person"] = owner_person
    if "title" in values and not values["title"].strip():
        raise DomainError("A milestone needs a title.")
    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=milestone.pk)
        )
        _editable_schedule(locked.round)
        row, _ = upsert_with_audit(Milestone, actor=actor, lookup={"pk": locked.pk}, values=values)
    return row  # type: ignore[return-value]


def milestone_transition(
    *, actor: Any, milestone: Milestone, to: str, now: datetime | None = None
) -> Milestone:
    """Mark a milestone done or skipped, or reopen it."""
    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update(of=("self",))
            .select_related("round")
            .get(pk=milestone.pk)
        )
        _editable_schedule(locked.round)
        done = (now or timezone.now()) if to == MilestoneStatus.DONE else None
        move(
            lifecycle=MILESTONE,
            obj=locked,
            target=to,
            actor=actor,
            held=capacities(actor),
            changes={"completed_at": done},
        )
    return locked


def round_transition(*, actor: Any, round: Round, to: str, reason: str = "") -> Round:
    """A chair moves a round to another phase along the table (publication excepted)."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        move(
            lifecycle=ROUND,
            obj=locked,
            target=to,
            actor=actor,
            held=capacities(actor),
            reason=reason,
        )
    round.status = locked.status
    return locked


def round_publish(*, actor: Any, round: Round, at: datetime) -> Round:
    """Mark the round published at ``at``: the one way ``published_at`` is set.

    Called by the submissions publication service inside its transaction, after it has
    checked who publishes and that the round may be published (window closed, objections
    decided) and has written the results; this service owns the lifecycle move and its event.
    """
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        move(
            lifecycle=ROUND,
            obj=locked,
            target=RoundStatus.PUBLISHED,
            actor=actor,
            held=frozenset({SYSTEM}),
            via=PUBLISH,
            changes={"published_at": at},
        )
    round.status, round.published_at = locked.status, locked.published_at
    return locked


def round_phases_advance(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Move every active round forward to the phase its schedule has reached (a milestone
    with ``advances_to`` that is due), one table edge at a time. Returns the moves made."""
    now = now or timezone.now()
    moves = []
    due = (
        Milestone.objects.filter(round__status__in=ROUND_FORWARD, due_at__lte=now)
        .exclude(advances_to="")
        .values_list("round_id", "advances_to")
    )
    reached: dict[int, int] = {}
    for round_id, phase in due:
        reached[round_id] = max(reached.get(round_id, 0), ROUND_FORWARD.index(phase))
    for round_id, target in reached.items():
        with transaction.atomic():
            locked = Round.objects.select_for_update().get(pk=round_id)
            while locked.status in ROUND_FORWARD and ROUND_FORWARD.index(locked.status) < target:
                source = locked.status
                step = ROUND_FORWARD[ROUND_FORWARD.index(source) + 1]
                move(
                    lifecycle=ROUND,
                    obj=locked,
                    target=step,
                    actor=None,
                    held=frozenset({SYSTEM}),
                    reason="The round's schedule reached this phase.",
                )
                moves.append((locked.name, source, step))
    return moves


def round_reschedule(
    *,
    actor: Any,
    round: Round,
    submission_date: date,
    publication_date: date | None = None,
    reason: str,
    now: datetime | None = None,
) -> Round:
    """Move a round's submission date (and publication date), and its schedule with it.

    Chairs only. Refused for a published or cancelled round, without a reason, when nothing
    changes, when the publication date would not come after the submission date, and when an
    app above the roadmap holds the submission date (``roadmap.schedule_holds``: the
    submission window, once it has opened or while its deadline is on another day).
    ``publication_date`` None keeps the current one.

    Done and skipped milestones keep their dates: they record what happened. Every planned one
    moves. The model does not record a chair's edit, so a planned milestone still at its
    template step's due time for the old date gets the step's due time for the new date; any
    other (moved by hand, or its step has left the template) keeps its distance to the
    deadline, shifted by the same number of days on the Pacific clock. A round that had no
    submission date gets the template's milestones.

    The phase follows the new schedule along the table's edges: a round where the old schedule
    had brought it moves back (or on) to where the new one brings it, so that
    ``round_phases_advance`` finds nothing to undo; a phase the chairs set ahead of the
    schedule by hand stays unless the new schedule reaches further. Writes one
    ``round.reschedule`` audit event (dates and moved milestones before and after, the
    reason), and one transition event per phase moved.
    """
    _require_planner(actor)
    reason = reason.strip()
    if not reason:
        raise DomainError("A reschedule needs a reason (e.g. the decision that moved the date).")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        _editable_schedule(locked)
        old_date, old_publication = locked.submission_date, locked.publication_date
        publication = publication_date if publication_date is not None else old_publication
        _check_new_dates(locked, submission_date, publication, now)
        milestones = list(Milestone.objects.select_for_update().filter(round=locked))
        old_reached = _phase_reached(milestones, now)
        moved = _milestones_move(milestones, old_date, submission_date)
        locked.submission_date, locked.publication_date = submission_date, publication
        locked.save(update_fields=["submission_date", "publication_date"])
        event = audit_record(
            actor=actor,
            action="round.reschedule",
            obj=locked,
            before=_dates(old_date, old_publication, {k: b for k, (b, _a) in moved.items()}),
            after=_dates(submission_date, publication, {k: a for k, (_b, a) in moved.items()}),
            reason=reason,
        )
        notifications.round_rescheduled(
            round=locked,
            before=(old_date, old_publication),
            reason=reason,
            event_id=event.pk,
            actor=actor,
        )
        if old_date is None:
            milestones_generate(actor=actor, round=locked)
        else:
            _phase_follow(
                actor=actor,
                round_=locked,
                old_reached=old_reached,
                new_reached=_phase_reached(milestones, now),
                reason=reason,
            )
    round.submission_date, round.publication_date = submission_date, publication
    round.status = locked.status
    return locked


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _check_new_dates(
    round_: Round, submission_date: date, publication: date | None, now: datetime
) -> None:
    if publication is not None and publication <= submission_date:
        raise DomainError(
            f"The publication date ({_day(publication)}) must come after the submission date "
            f"({_day(submission_date)})."
        )
    if (submission_date, publication) == (round_.submission_date, round_.publication_date):
        publishes = f" and publishes on {_day(publication)}" if publication else ""
        raise DomainError(
            f"{round_.name} already submits on {_day(submission_date)}{publishes}; nothing changes."
        )
    if submission_date != round_.submission_date:
        holds = hold_reasons(round_, submission_date, now)
        if holds:
            raise DomainError(" ".join(holds))


def _milestones_move(
    milestones: list[Milestone], old: date | None, new: date
) -> dict[str, tuple[datetime, datetime]]:
    """Move the planned milestones in place and save them; returns key → (before, after)."""
    if old is None or old == new:
        return {}
    steps = {s.key: s for s in schedule.template()}
    planned = {p.step.key: p for p in schedule.plan(new)}
    shift = timedelta(days=(new - old).days)
    moved: dict[str, tuple[datetime, datetime]] = {}
    pending = [m for m in milestones if m.status == MilestoneStatus.PLANNED]
    for m in pending:
        step, before = steps.get(m.key), m.due_at
        if step is not None and before == schedule.due_at(step, old):
            m.due_at = planned[m.key].due_at
        else:
            # Adding days to a Pacific time keeps its clock time across daylight saving.
            m.due_at = to_wg_time(before) + shift
        if step is not None:
            m.when = planned[m.key].when
        moved[m.key] = (before, m.due_at)
    Milestone.objects.bulk_update(pending, ["due_at", "when"])
    return moved


def _dates(
    submission: date | None, publication: date | None, milestones: dict[str, datetime]
) -> dict[str, Any]:
    return {
        "submission_date": submission.isoformat() if submission else None,
        "publication_date": publication.isoformat() if publication else None,
        "milestones": {k: v.isoformat() for k, v in milestones.items()},
    }


def _phase_reached(milestones: Iterable[Milestone], now: datetime) -> int:
    """The furthest phase (index in ``ROUND_FORWARD``) the schedule has reached by ``now``,
    counted as ``round_phases_advance`` counts it: every milestone, whatever its status."""
    return max(
        (
            ROUND_FORWARD.index(m.advances_to)
            for m in milestones
            if m.advances_to and m.due_at <= now
        ),
        default=0,
    )


def _phase_follow(
    *, actor: Any, round_: Round, old_reached: int, new_reached: int, reason: str
) -> None:
    current = ROUND_FORWARD.index(round_.status)
    target = new_reached if current <= old_reached else max(current, new_reached)
    while (here := ROUND_FORWARD.index(round_.status)) != target:
        move(
            lifecycle=ROUND,
            obj=round_,
            target=ROUND_FORWARD[here + (1 if target > here else -1)],
            actor=actor,
            held=capacities(actor),
            reason=f"Rescheduled: {reason}",
        )
