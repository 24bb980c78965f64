"""Intake checks on an unpacked package, before validation: is it an organisation folder, and
is it this organisation's package for this round? A refusal names what was found."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from submissions import paths
from submissions.display import visible

if TYPE_CHECKING:  # the local checker imports this module without Django
    from submissions.models import Submission


class IntakeRefusal(Exception):
    """The package is not one this submission can accept."""


def _is_org_folder(path: Path) -> bool:
    return (path / "systems").is_dir() and (path / "results").is_dir()


def find_org_folder(tree: Path) -> Path:
    """The folder holding systems/ and results/: the archive root, ``<org>/`` below it (the
    official layout), or one wrapping folder deeper."""
    level = [tree]
    for _depth in range(3):
        found = [p for p in level if _is_org_folder(p)]
        if len(found) > 1:
            names = ", ".join(visible(p.relative_to(tree).as_posix()) for p in found)
            raise IntakeRefusal(
                f"The package holds several organisation folders ({names}); upload one at a time."
            )
        if found:
            return found[0]
        level = [child for p in level for child in sorted(p.iterdir()) if child.is_dir()]
    raise IntakeRefusal(
        "The package has no organisation folder: expected <organisation>/systems/*.json and "
        "<organisation>/results/<system>/<benchmark>/result_*.txt."
    )


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def refuse_foreign_package(org_folder: Path, submission: Submission, *, tree: Path) -> None:
    """Refuse a package of another organisation, or one whose benchmarks are not this round's.

    ``tree`` is the unpacked archive: when the organisation folder is the archive root, its
    name is the store's and says nothing about the package.
    """
    # Here, not at the top: the local checker imports this module without Django.
    from roadmap.selectors.round_rules import round_benchmark_versions, round_ruleset

    org = submission.organization
    accepted = {_norm(org.name), _norm(org.slug)} | {_norm(a.name) for a in org.affiliates.all()}
    named = org_folder.name if org_folder != tree else ""
    claimed = _submitters(org_folder)
    if named and _norm(named) not in accepted and not (claimed and claimed <= accepted):
        raise IntakeRefusal(
            f"This package is for '{visible(named)}' (its folder name), not for {org.name}. "
            f"Name the top folder after your organisation."
        )
    if claimed and not claimed <= accepted:
        others = ", ".join(sorted(claimed - accepted))
        raise IntakeRefusal(f"systems/*.json name another submitter ({others}), not {org.name}.")
    round_ = submission.round
    # Only benchmarks the round's ruleset (the frozen one, once frozen) can check: one the
    # validator would refuse is refused here, before anything is validated.
    ruleset = round_ruleset(round_)
    allowed = {v.benchmark.slug for v in round_benchmark_versions(round_)}
    foreign = foreign_benchmarks(org_folder, allowed)
    if foreign:
        raise IntakeRefusal(
            foreign_benchmark_message(*foreign[0], round_name=round_.name, ruleset=ruleset,
                                      allowed=allowed)
        )  # fmt: skip


def foreign_benchmarks(org_folder: Path, allowed: set[str]) -> list[tuple[str, str]]:
    """The (system, benchmark) folders under results/ that are not benchmarks of the round."""
    results = org_folder / paths.RESULTS
    found = []
    for system in sorted(p for p in results.iterdir() if p.is_dir()):
        for bench in sorted(p for p in system.iterdir() if p.is_dir()):
            if bench.name not in allowed:
                found.append((system.name, bench.name))
    return found


def foreign_benchmark_message(
    system: str, benchmark: str, *, round_name: str, ruleset: str, allowed: set[str]
) -> str:
    return (
        f"{visible(paths.result_folder(system, benchmark))}: '{visible(benchmark)}' is not a "
        f"benchmark of round {round_name} (ruleset {ruleset}; its benchmarks are "
        f"{', '.join(sorted(allowed))}). Is this package for another round?"
    )


def _submitters(org_folder: Path) -> set[str]:
    names = set()
    for path in (org_folder / "systems").glob("*.json"):
        try:
            value = json.loads(path.read_text(encoding="utf-8")).get("submitter")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(value, str) and value.strip():
            names.add(_norm(value))
    return names
