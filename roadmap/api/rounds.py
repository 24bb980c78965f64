"""API: the roadmap overview, the catalogue, and rounds with their schedules."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status

from core.errors import DomainError, PermissionDenied
from core.timezones import wg_zone
from roadmap.api import out
from roadmap.api import schemas as s
from roadmap.models import Milestone
from roadmap.permissions import can_plan_rounds
from roadmap.selectors import catalogue, schedule
from roadmap.services import rounds as services
from wg.api_auth import auth_optional, auth_required

router = Router(tags=["roadmap"])


def aware(moment):  # type: ignore[no-untyped-def]
    """A time without a zone is the working group's (US Pacific) time."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, wg_zone())
    return moment


@router.get("/overview", response=s.OverviewOut, auth=auth_optional)
def overview(request: HttpRequest) -> s.OverviewOut:
    now = timezone.now()
    o = schedule.roadmap_overview(now=now)
    return s.OverviewOut(
        rounds=[
            s.RoundSummaryOut(
                **out.round_fields(r.round),
                suite=[v.benchmark.slug for v in r.suite],
                next_milestones=[out.milestone(m, now) for m in r.next_milestones],
                overdue=len(r.overdue),
                done=r.done,
                total=r.total,
            )
            for r in o.rounds
        ],
        upcoming=[out.milestone(m, now) for m in o.upcoming],
        overdue=[out.milestone(m, now) for m in o.overdue],
    )


@router.get("/suite", response=s.SuiteOut, auth=auth_optional)
def suite(request: HttpRequest) -> s.SuiteOut:
    current = catalogue.current_round()
    return s.SuiteOut(
        round=current.name if current else None,
        benchmarks=[out.version(v) for v in catalogue.suite(current)] if current else [],
    )


@router.get("/benchmarks/{slug}", response=s.BenchmarkHistoryOut, auth=auth_optional)
def benchmark_history(request: HttpRequest, slug: str) -> s.BenchmarkHistoryOut:
    benchmark = catalogue.benchmark_get(slug)
    return s.BenchmarkHistoryOut(
        slug=benchmark.slug,
        name=benchmark.name,
        task=benchmark.task,
        history=[
            s.HistoryRowOut(
                round=row.round.name,
                event=row.event,
                target=catalogue.target_of(row.version) if row.version else None,
                runs_required=row.version.runs_required if row.version else None,
                changes=[str(c) for c in row.changes],
            )
            for row in catalogue.benchmark_history(benchmark)
        ],
    )


@router.get("/compare", response=s.ComparisonOut, auth=auth_optional)
def compare(request: HttpRequest, a: str = Query(...), b: str = Query(...)) -> s.ComparisonOut:
    c = catalogue.round_compare(catalogue.round_get(a), catalogue.round_get(b))
    return s.ComparisonOut(
        a=a,
        b=b,
        added=[v.benchmark.slug for v in c.added],
        retired=[v.benchmark.slug for v in c.retired],
        changed=[
            s.ChangedOut(slug=new.benchmark.slug, changes=[str(x) for x in changes])
            for _old, new, changes in c.changed
        ],
        unchanged=[v.benchmark.slug for v in c.unchanged],
    )


@router.get("/rounds", response=list[s.RoundOut], auth=auth_optional)
def round_list(request: HttpRequest) -> list[s.RoundOut]:
    return [s.RoundOut(**out.round_fields(r)) for r in reversed(catalogue.rounds_in_order())]


def _round_detail(name: str) -> s.RoundDetailOut:
    round_ = catalogue.round_get(name)
    now = timezone.now()
    return s.RoundDetailOut(
        **out.round_fields(round_),
        suite=[out.version(v) for v in catalogue.suite(round_)],
        milestones=[out.milestone(m, now) for m in round_.milestones.select_related("round")],
        moves=[target for target, _label in schedule.round_phase_moves(round_)],
    )


@router.get("/rounds/{name}", response=s.RoundDetailOut, auth=auth_optional)
def round_detail(request: HttpRequest, name: str) -> s.RoundDetailOut:
    return _round_detail(name)


@router.post("/rounds", response={201: s.RoundDetailOut}, auth=auth_required)
def round_create(request: HttpRequest, payload: s.RoundCreateIn) -> Status:
    round_ = services.round_create(actor=request.user, **payload.dict())
    return Status(201, _round_detail(round_.name))


@router.post("/rounds/{name}/transition", response=s.RoundDetailOut, auth=auth_required)
def round_transition(
    request: HttpRequest, name: str, payload: s.RoundTransitionIn
) -> s.RoundDetailOut:
    services.round_transition(
        actor=request.user, round=catalogue.round_get(name), to=payload.to, reason=payload.reason
    )
    return _round_detail(name)


@router.post("/rounds/{name}/reschedule", response=s.RoundDetailOut, auth=auth_required)
def round_reschedule(
    request: HttpRequest, name: str, payload: s.RoundRescheduleIn
) -> s.RoundDetailOut:
    services.round_reschedule(actor=request.user, round=catalogue.round_get(name), **payload.dict())
    return _round_detail(name)


@router.patch("/rounds/{name}/milestones/{pk}", response=s.MilestoneOut, auth=auth_required)
def milestone_update(
    request: HttpRequest, name: str, pk: int, payload: s.MilestoneUpdateIn
) -> s.MilestoneOut:
    milestone = get_object_or_404(Milestone, pk=pk, round__name=name)
    # The services check too, but a PATCH that changes nothing calls none of them.
    if not can_plan_rounds(request.user):
        raise PermissionDenied("Only the working-group chairs edit a round's schedule.")
    fields = payload.dict(exclude_unset=True)
    status = fields.pop("status", None)
    if "due_at" in fields:
        if fields["due_at"] is None:
            raise DomainError("A milestone keeps a due time.")
        fields["due_at"] = aware(fields["due_at"])
    if fields:
        milestone = services.milestone_update(actor=request.user, milestone=milestone, **fields)
    if status:
        milestone = services.milestone_transition(
            actor=request.user, milestone=milestone, to=status
        )
    milestone.refresh_from_db()
    return out.milestone(milestone, timezone.now())
