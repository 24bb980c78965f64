"""Reads of published results: the round tables, a system's page with its runs, a benchmark
across rounds, and the exports. Everything here reads the publication snapshot
(``PublishedSystem`` / ``PublishedResult``), which exists only for published rounds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from core.errors import NotFound
from roadmap.models import Round
from submissions import paths
from submissions.checker.scoring import max_dropped_scores
from submissions.models import PublishedResult, PublishedSystem, SubmissionVersion
from wg.models import Organization


def published_rounds() -> QuerySet[Round]:
    return Round.objects.filter(published_at__isnull=False).order_by("-name")


def published_round_get(name: str) -> Round:
    round_ = Round.objects.filter(name=name, published_at__isnull=False).first()
    if round_ is None:
        raise NotFound(f"No published round {name}")
    return round_


@dataclass
class ResultRow:
    row: PublishedSystem
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def organization(self) -> Organization:
        return self.row.organization


def results_table(
    *,
    round: Round,
    division: str = "",
    category: str = "",
    organization: str = "",
    sort: str = "id",
) -> tuple[list[str], list[ResultRow]]:
    """One row per system (and division) with a score column per benchmark, in the official
    tables' order unless ``sort`` names a column or a benchmark."""
    systems = PublishedSystem.objects.filter(round=round).select_related(
        "organization", "round", "description_version"
    )
    if division:
        systems = systems.filter(division=division)
    if category:
        systems = systems.filter(category=category)
    if organization:
        systems = systems.filter(organization__slug=organization)
    systems = systems.prefetch_related(
        Prefetch(
            "results", queryset=PublishedResult.objects.only("row_id", "benchmark", "score_minutes")
        )
    )
    rows = [
        ResultRow(row=s, scores={r.benchmark: r.score_minutes for r in s.results.all()})
        for s in systems
    ]
    benchmarks = sorted({b for r in rows for b in r.scores})
    return benchmarks, sorted(rows, key=_sort_key(sort))


_SORT_KEYS: dict[str, Callable[[ResultRow], Any]] = {
    "id": lambda r: r.row.result_id,
    "org": lambda r: (r.organization.name.lower(), r.row.system_name.lower()),
    "system": lambda r: r.row.system_name.lower(),
    "division": lambda r: (r.row.division, r.row.result_id),
    "accelerators": lambda r: (r.row.accelerators or 0, r.row.result_id),
}


def _sort_key(sort: str) -> Callable[[ResultRow], Any]:
    if sort in _SORT_KEYS:
        return _SORT_KEYS[sort]
    # Any other value names a benchmark column: fastest first, systems without a score last.
    return lambda r: (r.scores.get(sort) is None, r.scores.get(sort) or 0.0, r.row.result_id)


# --- A system's page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    path: str
    minutes: float | None
    dropped: str  # "" (counted), "fastest", "slowest" or "did not converge or comply"


@dataclass
class PublishedBenchmark:
    result: PublishedResult
    runs: list[Run]

    @property
    def dropped(self) -> list[Run]:
        return [run for run in self.runs if run.dropped]


@dataclass
class PublishedSystemDetail:
    organization: Organization
    rows: list[PublishedSystem]
    benchmarks: list[PublishedBenchmark]
    description: dict[str, Any]
    description_path: str


def olympic_runs(benchmark: str, runs: list[tuple[str, float | None]]) -> list[Run]:
    """Which runs the olympic mean dropped, as the result summarizer drops them: runs that do
    not count (non-compliant) first, then the fastest and slowest of the rest."""
    limit = max_dropped_scores(benchmark)
    failed = [i for i, (_, minutes) in enumerate(runs) if minutes is None]
    timed = sorted(
        (i for i, (_, minutes) in enumerate(runs) if minutes is not None),
        key=lambda i: (runs[i][1], i),
    )
    dropped = {i: "did not converge or comply" for i in failed}
    dropped.update({i: "fastest" for i in timed[:limit]})
    slowest = limit - min(len(failed), limit)
    if slowest:
        dropped.update({i: "slowest" for i in timed[len(timed) - slowest :]})
    return [Run(path, minutes, dropped.get(i, "")) for i, (path, minutes) in enumerate(runs)]


def published_system_detail(*, round: Round, org_slug: str, system: str) -> PublishedSystemDetail:
    """A published system with each published result's runs (a result fixed during review
    comes from the fix version) and which of them olympic scoring dropped."""
    rows = list(
        PublishedSystem.objects.filter(round=round, organization__slug=org_slug, system=system)
        .select_related("organization", "description_version")
        .order_by("result_id")
    )
    if not rows:
        raise NotFound("No published result for this system")
    benchmarks = []
    for result in (
        PublishedResult.objects.filter(row__in=rows).select_related("version").order_by("benchmark")
    ):
        benchmarks.append(PublishedBenchmark(result=result, runs=_runs(result)))
    latest = max((row.description_version for row in rows), key=lambda v: v.number)
    desc = latest.systems.filter(name=system).first()
    return PublishedSystemDetail(
        organization=rows[0].organization,
        rows=rows,
        benchmarks=benchmarks,
        description=desc.content if desc else {},
        description_path=paths.system_description(system, org_folder=latest.org_folder),
    )


def _runs(result: PublishedResult) -> list[Run]:
    version = result.version
    score = version.scores.filter(system=result.system, benchmark=result.benchmark).first()
    minutes = list(score.run_minutes) if score else []
    folder = paths.result_folder(result.system, result.benchmark, org_folder=version.org_folder)
    logs = list(
        version.files.filter(path__startswith=folder + "/", path__contains="/result_")
        .order_by("path")
        .values_list("path", flat=True)
    )
    minutes += [None] * (len(logs) - len(minutes))
    return olympic_runs(result.benchmark, list(zip(logs, minutes, strict=False)))


def published_file_version(
    *, round: Round, org_slug: str, system: str, path: str
) -> SubmissionVersion | None:
    """The version whose file ``path`` is public: under a published result's folder, or the
    published system description of the system."""
    rows = PublishedSystem.objects.filter(round=round, organization__slug=org_slug, system=system)
    for row in rows.select_related("description_version"):
        if path == paths.system_description(system, org_folder=row.description_version.org_folder):
            return row.description_version
    for result in PublishedResult.objects.filter(row__in=rows).select_related("version"):
        folder = paths.result_folder(system, result.benchmark, org_folder=result.version.org_folder)
        if path.startswith(folder + "/"):
            return result.version
    return None


# --- A benchmark across rounds ----------------------------------------------------------------


def published_benchmarks() -> list[str]:
    return sorted(set(PublishedResult.objects.values_list("benchmark", flat=True).distinct()))


def score_history(benchmark: str) -> list[tuple[str, float]]:
    """The best published score of a benchmark in each round, oldest round first."""
    best: dict[str, float] = {}
    for name, score in PublishedResult.objects.filter(benchmark=benchmark).values_list(
        "round__name", "score_minutes"
    ):
        best[name] = min(score, best.get(name, score))
    return sorted(best.items(), key=lambda item: _round_order(item[0]))


def _round_order(name: str) -> tuple[int, ...]:
    digits = name.lstrip("v").split(".")
    return tuple(int(d) if d.isdigit() else 0 for d in digits)


def benchmark_across_rounds(benchmark: str) -> list[tuple[Round, list[PublishedResult]]]:
    """Every published result of a benchmark, per round (newest first), fastest first."""
    results = list(
        PublishedResult.objects.filter(benchmark=benchmark)
        .select_related("round", "organization", "row")
        .order_by("score_minutes")
    )
    if not results:
        raise NotFound(f"No published result for {benchmark}")
    rounds: dict[int, tuple[Round, list[PublishedResult]]] = {}
    for result in results:
        rounds.setdefault(result.round_id, (result.round, []))[1].append(result)
    return sorted(rounds.values(), key=lambda item: _round_order(item[0].name), reverse=True)


# --- Exports ----------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "id",
    "division",
    "category",
    "availability",
    "organization",
    "system",
    "system_name",
    "number_of_nodes",
    "host_processor",
    "host_processors",
    "accelerator",
    "accelerators",
    "framework",
    "notes",
]


def results_document(*, round: Round, base_url: str = "", **filters: str) -> dict[str, Any]:
    """The published results of a round as the JSON export and the API return them: the
    official tables' columns, a score per benchmark, and links to the logs and description."""
    benchmarks, rows = results_table(round=round, **filters)
    return {
        "round": round.name,
        "ruleset": round.ruleset,
        "unit": "minutes",
        "benchmarks": benchmarks,
        "results": [_record(r, base_url) for r in rows],
    }


def _record(r: ResultRow, base_url: str) -> dict[str, Any]:
    row = r.row
    return {
        "id": row.result_id,
        "division": row.division,
        "category": row.get_category_display() if row.category else "",
        "availability": row.availability,
        "organization": row.organization.name,
        "system": row.system,
        "system_name": row.system_name,
        "number_of_nodes": row.number_of_nodes,
        "host_processor": row.host_processor,
        "host_processors": row.host_processors,
        "accelerator": row.accelerator,
        "accelerators": row.accelerators,
        "framework": row.framework,
        "notes": row.notes,
        "scores": r.scores,
        "logs_url": base_url + row.get_absolute_url(),
        "details_url": base_url + row.description_url,
    }
