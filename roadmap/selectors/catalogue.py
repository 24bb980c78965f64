"""The benchmark catalogue across rounds: the current suite, a benchmark's history, and the
comparison of two rounds. Everything comes from the rounds' ``BenchmarkVersion`` rows, which
the catalogue loader fills from ``data/catalogue.yaml`` and the pinned mlperf-logging."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import NotFound
from roadmap.models import Benchmark, BenchmarkVersion, Round, RoundStatus


def rounds_in_order() -> list[Round]:
    """Every round, oldest first by ruleset version (v10.0 after v9.1)."""
    return sorted(Round.objects.all(), key=lambda r: (r.version, r.name))


def round_get(name: str) -> Round:
    round_ = Round.objects.filter(name=name).first()
    if round_ is None:
        raise NotFound(f"No round named {name}.")
    return round_


def suite(round_: Round) -> list[BenchmarkVersion]:
    return list(round_.benchmark_versions.select_related("benchmark").order_by("benchmark__slug"))


def current_round() -> Round | None:
    """The newest round that is not cancelled: its suite is the current one."""
    rounds = [r for r in rounds_in_order() if r.status != RoundStatus.CANCELLED]
    return rounds[-1] if rounds else None


def target_of(version: BenchmarkVersion) -> str:
    return version.target or version.benchmark.quality_target


@dataclass(frozen=True)
class Change:
    what: str  # "target" or "runs"
    before: str
    after: str

    def __str__(self) -> str:
        label = "Target" if self.what == "target" else "Runs required"
        return f"{label}: {self.before} → {self.after}"


def changes_between(old: BenchmarkVersion, new: BenchmarkVersion) -> list[Change]:
    out = []
    if target_of(old) != target_of(new):
        out.append(Change("target", target_of(old), target_of(new)))
    if old.runs_required != new.runs_required:
        out.append(Change("runs", str(old.runs_required), str(new.runs_required)))
    return out


@dataclass(frozen=True)
class HistoryRow:
    round: Round
    version: BenchmarkVersion | None
    event: str  # entered, retired, changed, unchanged, absent
    changes: list[Change] = field(default_factory=list)


def benchmark_history(benchmark: Benchmark) -> list[HistoryRow]:
    """One row per round, oldest first: when the benchmark entered, changed, left."""
    versions = {v.round_id: v for v in benchmark.versions.all()}
    rows: list[HistoryRow] = []
    previous: BenchmarkVersion | None = None
    for round_ in rounds_in_order():
        version = versions.get(round_.pk)
        if version is not None and previous is None:
            rows.append(HistoryRow(round_, version, "entered"))
        elif version is not None and previous is not None:
            changes = changes_between(previous, version)
            rows.append(HistoryRow(round_, version, "changed" if changes else "unchanged", changes))
        elif previous is not None:
            rows.append(HistoryRow(round_, None, "retired"))
        else:
            rows.append(HistoryRow(round_, None, "absent"))
        previous = version
    return rows


@dataclass(frozen=True)
class Comparison:
    a: Round
    b: Round
    added: list[BenchmarkVersion]
    retired: list[BenchmarkVersion]
    changed: list[tuple[BenchmarkVersion, BenchmarkVersion, list[Change]]]
    unchanged: list[BenchmarkVersion]


def round_compare(a: Round, b: Round) -> Comparison:
    """What round ``b`` adds, retires and changes compared with round ``a``."""
    old = {v.benchmark.slug: v for v in suite(a)}
    new = {v.benchmark.slug: v for v in suite(b)}
    changed, unchanged = [], []
    for slug in sorted(old.keys() & new.keys()):
        changes = changes_between(old[slug], new[slug])
        if changes:
            changed.append((old[slug], new[slug], changes))
        else:
            unchanged.append(new[slug])
    return Comparison(
        a=a,
        b=b,
        added=[new[s] for s in sorted(new.keys() - old.keys())],
        retired=[old[s] for s in sorted(old.keys() - new.keys())],
        changed=changed,
        unchanged=unchanged,
    )


def benchmark_get(slug: str) -> Benchmark:
    benchmark = Benchmark.objects.filter(slug=slug).first()
    if benchmark is None:
        raise NotFound(f"No benchmark named {slug}.")
    return benchmark
