"""Fixtures of the checker tests: these need no Django and no database.

Standalone run (the tests/ conftest imports Django):
``python -m pytest tests/submissions/checker -p no:django --confcutdir tests/submissions/checker``
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mlperf_logging.benchmark_meta import get_allowed_benchmarks
from official_oracle import run_official
from package_cases import CASES, CORPUS_MISSING, Compared, corpus_available, corpus_dir

from submissions.checker import check_package


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not corpus_available():
        pytest.skip(CORPUS_MISSING)
    return corpus_dir()


@pytest.fixture(scope="session")
def differential(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Compared]:
    """Every available case, checked by us and by the official tools (in other processes)."""
    root = tmp_path_factory.mktemp("cases")
    cases = [case for case in CASES if corpus_available() or not case.corpus]
    built = {case.name: (case.build(root / case.name), case.ruleset) for case in cases}
    files = [
        (path, ruleset)
        for org_dir, ruleset in built.values()
        for path in sorted(org_dir.glob("results/*/*/result_*.txt"))
        if path.is_file() and path.parent.name in get_allowed_benchmarks("training", ruleset)
    ]
    verdicts, per_file = run_official(built, files, tmp_path_factory.mktemp("official"))
    compared = {}
    for case in cases:
        org_dir, ruleset = built[case.name]
        compared[case.name] = Compared(
            case=case,
            org_dir=org_dir,
            ours=check_package(org_dir, ruleset=ruleset),
            official=verdicts[case.name],
            official_files={
                path.relative_to(org_dir).as_posix(): verdict
                for path, verdict in per_file.items()
                if path.is_relative_to(org_dir)
            },
        )
    return compared
