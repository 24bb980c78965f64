"""The benchmark catalogue and rounds (``data/catalogue.yaml``): schema and loader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mlperf_logging.benchmark_meta import get_allowed_benchmarks
from pydantic import field_validator

from core.audit import upsert_with_audit
from core.datafile import DataError, Strict, parse_entries
from roadmap.catalogue_meta import round_benchmark_values
from roadmap.models import Benchmark, BenchmarkVersion, Round
from roadmap.rulesets import known_rulesets
from roadmap.services.rounds import milestones_generate


class BenchmarkIn(Strict):
    slug: str
    name: str
    area: str = ""
    task: str
    dataset: str = ""
    quality_target: str = ""
    reference_repo: str = ""


class RoundIn(Strict):
    name: str
    ruleset: str
    submission_date: date | None = None
    publication_date: date | None = None

    @field_validator("ruleset")
    @classmethod
    def _packaged_ruleset(cls, value: str) -> str:
        if value not in known_rulesets():
            raise ValueError(f"ruleset {value!r} is not in the installed mlperf-logging package")
        return value


@dataclass(frozen=True)
class Catalogue:
    benchmarks: list[BenchmarkIn]
    rounds: list[RoundIn]


def parse(source: str, doc: dict[str, Any]) -> Catalogue:
    unknown = set(doc) - {"benchmarks", "rounds"}
    if unknown:
        raise DataError(f"{source}: unknown section(s): {', '.join(sorted(unknown))}")
    catalogue = Catalogue(
        benchmarks=parse_entries(source, doc, "benchmarks", BenchmarkIn),
        rounds=parse_entries(source, doc, "rounds", RoundIn),
    )
    described = {b.slug for b in catalogue.benchmarks}
    for i, r in enumerate(catalogue.rounds):
        missing = set(get_allowed_benchmarks("training", r.ruleset)) - described
        if missing:
            raise DataError(
                f"{source}: rounds[{i}] ({r.name}): benchmarks of ruleset {r.ruleset} without an "
                f"entry under 'benchmarks': {', '.join(sorted(missing))}"
            )
    return catalogue


DATES = ("submission_date", "publication_date")


def apply(catalogue: Catalogue, *, actor: Any = None) -> list[str]:
    """Write benchmarks, rounds, each round's benchmark versions (run count and target from the
    package) and the milestones of rounds with a submission date; caller holds the transaction.

    The file seeds a round's dates; once the round has a submission date, the service owns them
    (chairs reschedule on the round's page, which moves its milestones), so a later load keeps
    them. Returns a note for every round whose dates in the file differ from the service's."""
    notes = []
    benchmarks = {
        b.slug: upsert_with_audit(
            Benchmark, actor=actor, lookup={"slug": b.slug}, values=b.model_dump(exclude={"slug"})
        )[0]
        for b in catalogue.benchmarks
    }
    for r in catalogue.rounds:
        values = r.model_dump(exclude={"name"})
        existing = Round.objects.filter(name=r.name).first()
        if existing is not None and existing.submission_date is not None:
            kept = {f: getattr(existing, f) for f in DATES}
            if any(values[f] != kept[f] for f in DATES):
                notes.append(
                    f"{r.name}: the service's dates ({_dates(kept)}) differ from the file's "
                    f"({_dates(values)}); kept the service's. Reschedule the round on its "
                    "schedule page to move it."
                )
            for field in DATES:
                values.pop(field)
        round_, _ = upsert_with_audit(Round, actor=actor, lookup={"name": r.name}, values=values)
        for slug in sorted(set(get_allowed_benchmarks("training", r.ruleset))):
            upsert_with_audit(
                BenchmarkVersion,
                actor=actor,
                lookup={"round": round_, "benchmark": benchmarks[slug]},
                values=round_benchmark_values(r.ruleset, slug),
            )
        milestones_generate(actor=actor, round=round_)
    return notes


def _dates(values: dict[str, Any]) -> str:
    submission, publication = (values[f] for f in DATES)
    return f"submission {submission or 'none'}, publication {publication or 'none'}"
