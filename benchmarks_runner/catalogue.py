"""The runnable benchmarks: ``benchmarks.yaml`` shipped with the service, plus the operator's
file named by ``RUNNER_BENCHMARKS_FILE``.

Both are configuration of trusted people (their command lines run on the runners); neither is
ever taken from a user. Only rulesets shipped with the service or the official ones may be
named, so no rule file outside the code is ever executed by the checker.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Literal

from django.conf import settings
from pydantic import Field, model_validator

from core.datafile import DataError, Strict, parse_entries, read_yaml
from submissions.checker.packaged_rules import PackagedRules, packaged_rules

PACKAGED = Path(__file__).resolve().parent / "benchmarks.yaml"
ROUND_RULESET = "round"
PLACEHOLDERS = frozenset({"python", "seed", "platform", "run_dir", "run_id"})


@functools.cache
def project_rulesets() -> dict[str, PackagedRules]:
    """The rulesets shipped with the service, by name."""
    rules = packaged_rules(
        "benchmarks_runner.references.rules", name="reference_1.0.0", parser_ruleset="6.1.0"
    )
    return {rules.name: rules}


class Quality(Strict):
    target: float
    higher_is_better: bool
    unit: str = ""

    def reached(self, value: float) -> bool:
        return value >= self.target if self.higher_is_better else value <= self.target


class RunnableBenchmark(Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")
    name: str
    task: str
    hardware_classes: list[str] = Field(default_factory=list)
    """Where it may run; empty for any class (the CPU references run on every machine)."""
    launcher: Literal["local", "container", "slurm", "mlcflow"] = "local"
    command: list[str] = Field(default_factory=list)
    image: str = ""
    mlc_tags: str = ""
    ruleset: str
    reproduces: str = ""
    """The official benchmark whose submitted results this reference can reproduce."""
    quality: Quality
    max_epochs: int | None = Field(default=None, ge=1)
    runs_required: int = Field(default=5, ge=1, le=20)
    wall_clock_limit_s: int = Field(default=600, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> RunnableBenchmark:
        if self.launcher == "mlcflow" and not self.mlc_tags:
            raise ValueError("an mlcflow benchmark needs mlc_tags (the script's tags)")
        if self.launcher != "mlcflow" and not self.command:
            raise ValueError(f"a {self.launcher} benchmark needs a command")
        if self.launcher == "container" and not self.image:
            raise ValueError("a container benchmark needs an image")
        for part in self.command:
            names = {name for _, name, _, _ in string.Formatter().parse(part) if name is not None}
            if names - PLACEHOLDERS:
                raise ValueError(f"unknown placeholder in {part!r}; use {sorted(PLACEHOLDERS)}")
        if self.ruleset == ROUND_RULESET:
            if not self.reproduces:
                raise ValueError("ruleset 'round' is only for references that reproduce results")
        elif self.ruleset not in project_rulesets() and self.ruleset not in _official_rulesets():
            raise ValueError(f"unknown ruleset {self.ruleset!r}")
        return self

    @property
    def rules(self) -> PackagedRules | None:
        return project_rulesets().get(self.ruleset)


def _load(path: Path) -> list[RunnableBenchmark]:
    return parse_entries(str(path), read_yaml(path), "benchmarks", RunnableBenchmark)


@functools.cache
def _catalogue(extra: str) -> dict[str, RunnableBenchmark]:
    entries = _load(PACKAGED) + (_load(Path(extra)) if extra else [])
    found: dict[str, RunnableBenchmark] = {}
    for entry in entries:
        if entry.slug in found:
            raise DataError(f"benchmark {entry.slug!r} is defined twice")
        found[entry.slug] = entry
    return found


def runnable_benchmarks() -> dict[str, RunnableBenchmark]:
    return _catalogue(settings.RUNNER_BENCHMARKS_FILE)


def runnable_get(slug: str) -> RunnableBenchmark | None:
    return runnable_benchmarks().get(slug)


def reference_for(official_benchmark: str) -> RunnableBenchmark | None:
    """The runnable reference that reproduces results of ``official_benchmark``, if any."""
    for entry in runnable_benchmarks().values():
        if entry.reproduces == official_benchmark:
            return entry
    return None


def _official_rulesets() -> frozenset[str]:
    from submissions.checker import SUPPORTED_RULESETS  # the checkers load on first use

    return SUPPORTED_RULESETS
