"""Reads of rounds, submissions and results, filtered by what the user may see.

Embargo: a submission is found only through ``submission_get_for_user`` / the list selectors,
which apply ``wg.permissions``; anything public reads ``PublishedResult`` rows, which exist only
for published rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from roadmap.models import Round
from submissions.models import (
    BenchmarkCheck,
    Finding,
    Objection,
    PublishedResult,
    Submission,
    SubmissionVersion,
    SystemDescription,
)
from submissions.models.validation import CheckStatus
from submissions.services.review import counting_version
from submissions.services.windows import WindowState, window_state
from wg.models import Organization
from wg.permissions import (
    acts_for_organizations,
    can_decide_objection,
    can_manage_round,
    can_review_round,
    can_submit_for,
    can_view_submission,
)


def round_get(name: str) -> Round:
    try:
        return (
            Round.objects.select_related("window")
            .prefetch_related("window__extensions", "benchmark_versions__benchmark")
            .get(name=name)
        )
    except Round.DoesNotExist:
        raise Http404(f"No round {name}") from None


@dataclass
class OrgSlot:
    """One organisation the user acts for in a round: its window state and its versions."""

    organization: Organization
    state: WindowState | None
    can_upload: bool
    versions: list[SubmissionVersion] = field(default_factory=list)
    counting: SubmissionVersion | None = None


@dataclass
class RoundOverview:
    round: Round
    now: datetime
    slots: list[OrgSlot]
    reviewing: bool
    others: list[Submission]
    objections: list[Objection]
    can_manage: bool
    can_decide: bool


def round_overview(*, user: Any, round: Round, now: datetime) -> RoundOverview:
    window = getattr(round, "window", None)
    slots = []
    for org in Organization.objects.filter(pk__in=acts_for_organizations(user)).order_by("name"):
        submission = round.submissions.filter(organization=org).first()
        versions = (
            list(submission.versions.select_related("report").order_by("-number"))
            if submission
            else []
        )
        state = window_state(window, organization_id=org.pk, now=now) if window else None
        slots.append(
            OrgSlot(
                organization=org,
                state=state,
                versions=versions,
                can_upload=can_submit_for(user, org.pk)
                and state is not None
                and state.accepts_uploads,
                counting=counting_version(submission) if submission else None,
            )
        )
    reviewing = can_review_round(user, round, now=now)
    mine = {s.organization.pk for s in slots}
    others = (
        list(
            round.submissions.exclude(organization_id__in=mine)
            .select_related("organization")
            .annotate(version_count=Count("versions"))
        )
        if reviewing
        else []
    )
    objections = (
        list(round.objections.select_related("filed_by", "against", "decided_by"))
        if reviewing
        else list(
            round.objections.filter(
                Q(filed_by_id__in=mine) | Q(against_id__in=mine)
            ).select_related("filed_by", "against", "decided_by")
        )
    )
    return RoundOverview(
        round=round,
        now=now,
        slots=slots,
        reviewing=reviewing,
        others=others,
        objections=objections,
        can_manage=can_manage_round(user),
        can_decide=can_decide_objection(user, round),
    )


def submission_get_for_user(*, user: Any, round: Round, org_slug: str, now: datetime) -> Submission:
    """The submission, or 404 — also when it exists but is embargoed from this user."""
    submission = (
        Submission.objects.select_related("organization", "round__window")
        .filter(round=round, organization__slug=org_slug)
        .first()
    )
    if submission is None or not can_view_submission(user, submission, now=now):
        raise Http404("No such submission")
    return submission


def version_get_for_user(
    *, user: Any, round: Round, org_slug: str, number: int, now: datetime
) -> SubmissionVersion:
    submission = submission_get_for_user(user=user, round=round, org_slug=org_slug, now=now)
    version = (
        submission.versions.select_related(
            "report", "uploaded_by", "submission__organization", "submission__round"
        )
        .filter(number=number)
        .first()
    )
    if version is None:
        raise Http404("No such version")
    return version


@dataclass(frozen=True)
class Progress:
    status: str
    status_label: str
    total: int
    done: int
    running: int
    final: bool
    errors: int
    warnings: int


def version_progress(version: SubmissionVersion) -> Progress:
    report = getattr(version, "report", None)
    counts = (
        BenchmarkCheck.objects.filter(report=report).aggregate(
            total=Count("id"),
            done=Count("id", filter=Q(status__in=[CheckStatus.DONE, CheckStatus.FAILED])),
            running=Count("id", filter=Q(status=CheckStatus.RUNNING)),
        )
        if report
        else {"total": 0, "done": 0, "running": 0}
    )
    severities = (
        dict(
            report.findings.values_list("severity")
            .annotate(n=Count("id"))
            .values_list("severity", "n")
        )
        if report
        else {}
    )
    return Progress(
        status=version.status,
        status_label=version.get_status_display(),
        total=counts["total"],
        done=counts["done"],
        running=counts["running"],
        final=version.is_final,
        errors=severities.get("error", 0),
        warnings=severities.get("warning", 0),
    )


def version_findings(version: SubmissionVersion) -> QuerySet[Finding]:
    report = getattr(version, "report", None)
    return (
        report.findings.order_by("severity", "path", "line", "id")
        if report
        else Finding.objects.none()
    )


# --- Published results ------------------------------------------------------------------------


@dataclass
class ResultRow:
    organization: Organization
    system: str
    system_name: str
    division: str
    availability: str
    accelerator_model: str
    accelerators: int | None
    scores: dict[str, float] = field(default_factory=dict)


def published_rounds() -> QuerySet[Round]:
    return Round.objects.filter(published_at__isnull=False).order_by("-name")


def published_round_get(name: str) -> Round:
    round_ = Round.objects.filter(name=name, published_at__isnull=False).first()
    if round_ is None:
        raise Http404(f"No published round {name}")
    return round_


def results_table(
    *,
    round: Round,
    division: str = "",
    availability: str = "",
    organization: str = "",
    sort: str = "org",
) -> tuple[list[str], list[ResultRow]]:
    """Rows per system with a score column per benchmark; ``sort`` may be a benchmark slug."""
    results = PublishedResult.objects.filter(round=round).select_related("organization")
    if division:
        results = results.filter(division=division)
    if availability:
        results = results.filter(availability=availability)
    if organization:
        results = results.filter(organization__slug=organization)
    rows: dict[tuple[int, str], ResultRow] = {}
    benchmarks: set[str] = set()
    for r in results:
        row = rows.setdefault(
            (r.version_id, r.system),
            ResultRow(
                organization=r.organization,
                system=r.system,
                system_name=r.system_name,
                division=r.division,
                availability=r.availability,
                accelerator_model=r.accelerator_model,
                accelerators=r.accelerators,
            ),
        )
        row.scores[r.benchmark] = r.score_minutes
        benchmarks.add(r.benchmark)
    ordered = sorted(rows.values(), key=_sort_key(sort))
    return sorted(benchmarks), ordered


_SORT_KEYS: dict[str, Callable[[ResultRow], Any]] = {
    "org": lambda r: (r.organization.name.lower(), r.system_name.lower()),
    "system": lambda r: r.system_name.lower(),
    "division": lambda r: (r.division, r.organization.name.lower(), r.system_name.lower()),
    "accelerators": lambda r: (r.accelerators or 0, r.organization.name.lower()),
}


def _sort_key(sort: str) -> Callable[[ResultRow], Any]:
    if sort in _SORT_KEYS:
        return _SORT_KEYS[sort]
    # Any other value names a benchmark column: fastest first, systems without a score last.
    return lambda r: (r.scores.get(sort) is None, r.scores.get(sort) or 0.0)


@dataclass
class PublishedBenchmark:
    result: PublishedResult
    runs: list[tuple[str, float | None]]  # (file path in the version, minutes to train)


@dataclass
class PublishedSystem:
    organization: Organization
    results: list[PublishedResult]
    description: SystemDescription | None
    benchmarks: list[PublishedBenchmark]


def _published_results(round: Round, org_slug: str, system: str) -> list[PublishedResult]:
    results = list(
        PublishedResult.objects.filter(round=round, organization__slug=org_slug, system=system)
        .select_related("organization", "version")
        .order_by("benchmark")
    )
    if not results:
        raise Http404("No published result for this system")
    return results


def _result_folder(result: PublishedResult) -> str:
    prefix = f"{result.version.org_folder}/" if result.version.org_folder else ""
    return f"{prefix}results/{result.system}/{result.benchmark}/"


def published_system_detail(*, round: Round, org_slug: str, system: str) -> PublishedSystem:
    """A published system with each published result's run logs (a result fixed during review
    comes from the fix version)."""
    results = _published_results(round, org_slug, system)
    benchmarks = []
    for result in results:
        score = result.version.scores.filter(system=system, benchmark=result.benchmark).first()
        minutes = list(score.run_minutes) if score else []
        logs = result.version.files.filter(
            path__startswith=_result_folder(result), path__contains="/result_"
        )
        paths = list(logs.order_by("path").values_list("path", flat=True))
        minutes += [None] * (len(paths) - len(minutes))
        benchmarks.append(
            PublishedBenchmark(result=result, runs=list(zip(paths, minutes, strict=False)))
        )
    return PublishedSystem(
        organization=results[0].organization,
        results=results,
        description=results[0].version.systems.filter(name=system).first(),
        benchmarks=benchmarks,
    )


def published_file_version(
    *, round: Round, org_slug: str, system: str, path: str
) -> SubmissionVersion | None:
    """The version whose file ``path`` is public: under a published result's folder, or the
    system description of a published system."""
    for result in _published_results(round, org_slug, system):
        prefix = f"{result.version.org_folder}/" if result.version.org_folder else ""
        if path.startswith(_result_folder(result)) or path == f"{prefix}systems/{system}.json":
            return result.version
    return None


def score_history(benchmark: str) -> list[tuple[str, float]]:
    """The best published score of a benchmark in each round, oldest round first."""
    best: dict[str, float] = {}
    for name, score in PublishedResult.objects.filter(benchmark=benchmark).values_list(
        "round__name", "score_minutes"
    ):
        best[name] = min(score, best.get(name, score))
    return sorted(best.items())


def results_document(*, round: Round, **filters: str) -> dict[str, Any]:
    """The published results of a round as the JSON export and the API return them."""
    benchmarks, rows = results_table(round=round, **filters)
    return {
        "round": round.name,
        "ruleset": round.ruleset,
        "unit": "minutes",
        "benchmarks": benchmarks,
        "results": [
            {
                "organization": r.organization.name,
                "system": r.system,
                "system_name": r.system_name,
                "division": r.division,
                "availability": r.availability,
                "accelerator": r.accelerator_model,
                "accelerators": r.accelerators,
                "scores": r.scores,
            }
            for r in rows
        ],
    }
