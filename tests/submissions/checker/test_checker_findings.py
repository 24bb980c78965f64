"""What the findings say, and the shape of the reports the service stores."""

from __future__ import annotations

import json
from pathlib import Path

from mllog_factory import BENCHMARK, write_package
from package_cases import GEN_BENCH, edit_json

from submissions.checker import (
    BenchmarkReport,
    check_benchmark,
    check_package,
    check_system_descriptions,
)


def test_each_missing_system_field_gets_its_own_finding(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "6.1.0")
    edit_json(
        org_dir / "systems/acme_box.json", lambda d: [d.pop(k) for k in ("cooling", "sw_notes")]
    )

    findings = check_system_descriptions(org_dir, ruleset="6.1.0")

    assert [(f.path, f.severity, f.message) for f in findings] == [
        ("systems/acme_box.json", "error", 'Field "cooling" is missing; add it (an empty string is accepted).'),
        ("systems/acme_box.json", "error", 'Field "sw_notes" is missing; add it (an empty string is accepted).'),
    ]  # fmt: skip


def test_a_system_description_that_is_not_json_points_at_the_bad_line(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    (org_dir / "systems/acme_box.json").write_text('{\n  "division": "closed",\n  oops\n}\n')

    [finding] = check_system_descriptions(org_dir, ruleset="5.1.0")

    assert (finding.line, finding.severity) == (3, "error")
    assert not check_package(org_dir, ruleset="5.1.0").ok


def test_a_bypass_flag_followed_by_a_newline_is_reported_as_ignored(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    (org_dir / GEN_BENCH / "package_checker_params").write_text("rcp-bypass\n")

    report = check_benchmark(org_dir, system="acme_box", benchmark=BENCHMARK, ruleset="5.1.0")

    [warning] = [f for f in report.findings if f.path.endswith("package_checker_params")]
    assert warning.severity == "warning" and "ignores it" in warning.message


def test_a_missing_run_names_the_count_the_benchmark_needs(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "6.1.0")
    (org_dir / GEN_BENCH / "result_9.txt").unlink()

    report = check_benchmark(org_dir, system="acme_box", benchmark=BENCHMARK, ruleset="6.1.0")

    [count] = [f for f in report.findings if f.check == "run-count"]
    assert count.message.startswith("Found 9 result_*.txt files; llama2_70b_lora needs exactly 10.")
    assert not report.ok


def test_a_benchmark_report_round_trips_through_strict_json(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    report = check_benchmark(org_dir, system="acme_box", benchmark=BENCHMARK, ruleset="5.1.0")

    encoded = json.dumps(report.to_dict(), allow_nan=False)

    assert BenchmarkReport.from_dict(json.loads(encoded)) == report


def test_the_package_json_has_the_documented_shape(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")

    data = check_package(org_dir, ruleset="5.1.0").to_json()

    assert {"ok", "ruleset", "results", "package_findings", "scores"} <= set(data)
    assert set(data["results"][0]) == {"path", "compliant", "findings"}
    assert data["scores"] == [
        {"division": "closed", "system": "acme_box", "benchmark": BENCHMARK,
         "score_minutes": data["scores"][0]["score_minutes"]}
    ]  # fmt: skip
    assert isinstance(data["scores"][0]["score_minutes"], float)
    json.dumps(data, allow_nan=False)


def test_a_result_file_linking_outside_the_package_is_refused_unread(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path / "pkg", "5.1.0")
    secret = tmp_path / "secret.txt"
    secret.write_text(":::MLLOG server secret\n")
    log = org_dir / GEN_BENCH / "result_0.txt"
    log.unlink()
    log.symlink_to(secret)

    report = check_package(org_dir, ruleset="5.1.0")

    [finding] = [f for f in report.all_package_findings if f.path == f"{GEN_BENCH}/result_0.txt"]
    assert finding.severity == "error" and "outside the package" in finding.message
    assert "secret" not in json.dumps(report.to_json())
    assert not report.ok


def test_a_missing_key_and_the_rules_waiting_for_it_are_one_finding_with_a_line(
    tmp_path: Path,
) -> None:
    from package_cases import edit_mllog

    org_dir = write_package(tmp_path, "5.1.0")
    edit_mllog(org_dir / GEN_BENCH / "result_4.txt", "run_start", lambda record: None)

    report = check_benchmark(org_dir, system="acme_box", benchmark=BENCHMARK, ruleset="5.1.0")

    [log] = [log for log in report.logs if log.path.endswith("result_4.txt")]
    [finding] = log.findings
    assert finding.message.startswith("'run_start' is missing") and finding.line is not None
    assert "Later lines fail because of it" in finding.message


def test_a_count_that_is_not_a_whole_number_is_a_warning(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    edit_json(org_dir / "systems/acme_box.json", lambda d: d.update(accelerators_per_node="-8"))

    findings = check_system_descriptions(org_dir, ruleset="5.1.0")

    assert [(f.severity, f.rule) for f in findings] == [
        ("warning", "system_desc_checker: accelerators_per_node")
    ]
    assert check_package(org_dir, ruleset="5.1.0").ok  # the official verdict


def test_no_score_for_a_system_the_summarizer_leaves_out(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    edit_json(org_dir / "systems/acme_box.json", lambda d: d.pop("sw_notes"))

    report = check_package(org_dir, ruleset="5.1.0")

    assert report.to_json()["scores"] == [] and not report.benchmarks[0].summarized
