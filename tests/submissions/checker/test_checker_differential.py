"""Our verdicts against the official checkers', on the corpus, corrupted copies and generated packages."""

from __future__ import annotations

import pytest
from mllog_factory import write_package
from official_oracle import run_cli, run_official
from package_cases import CASES, CORPUS_MISSING, Compared, corpus_available


def _case_ids() -> list[pytest.param]:
    marks = pytest.mark.skipif(not corpus_available(), reason=CORPUS_MISSING)
    return [
        pytest.param(case.name, id=case.name, marks=marks if case.corpus else ()) for case in CASES
    ]


@pytest.mark.parametrize("name", _case_ids())
def test_package_verdict_equals_the_official_package_checker(
    differential: dict[str, Compared], name: str
) -> None:
    compared = differential[name]
    assert compared.official.ok is compared.case.expect_ok, compared.official.log[-2000:]
    assert compared.ours.ok is compared.official.ok, compared.ours.to_json()["package_findings"]


@pytest.mark.parametrize("name", _case_ids())
def test_each_log_verdict_equals_the_official_compliance_checker(
    differential: dict[str, Compared], name: str
) -> None:
    compared = differential[name]
    ours = {log.path: log for log in compared.ours.logs}
    assert set(ours) == set(compared.official_files)
    for path, official in compared.official_files.items():
        if official == "crash":
            assert ours[path].compliance_crash is not None, path
            assert ours[path].compliant is False, path
        else:
            assert ours[path].compliance_crash is None, path
            assert ours[path].compliant is official, path


@pytest.mark.parametrize("name", _case_ids())
def test_a_package_the_official_checker_crashes_on_gets_an_error_finding_instead(
    differential: dict[str, Compared], name: str
) -> None:
    compared = differential[name]
    crashed = any(report.crashed for report in compared.ours.benchmarks) or any(
        finding.rule.endswith(": crash") for finding in compared.ours.package_findings
    )
    assert crashed is compared.official.crashed


def test_forked_runner_agrees_with_the_literal_command(tmp_path) -> None:
    good = write_package(tmp_path / "good", "6.1.0")
    broken = write_package(tmp_path / "broken", "5.1.0")
    (broken / "systems" / "acme_box.json").unlink()

    forked, _ = run_official(
        {"good": (good, "6.1.0"), "broken": (broken, "5.1.0")}, [], tmp_path / "forked"
    )
    literal_good = run_cli(good, "6.1.0", tmp_path / "cli_good")
    literal_broken = run_cli(broken, "5.1.0", tmp_path / "cli_broken")

    assert (forked["good"].ok, forked["good"].crashed) == (literal_good.ok, literal_good.crashed)
    assert (forked["broken"].ok, forked["broken"].crashed) == (
        literal_broken.ok,
        literal_broken.crashed,
    )
    assert literal_good.ok and not literal_broken.ok and literal_broken.crashed
