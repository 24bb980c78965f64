"""check_log on logs written with the official mllog logger, for every ruleset, and on hostile bytes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mllog_factory import RULESETS, RunSpec, write_log
from mlperf_logging.compliance_checker import mlp_compliance
from official_oracle import run_official
from package_cases import TOKEN, edit_mllog, set_value

from submissions.checker import LogResult, check_log
from submissions.checker.official import COMPLIANCE_ROOT

HOSTILE = {
    "empty": b"",
    "binary": bytes(range(256)) * 8,
    "no_mllog_lines": b"hello\nworld\n",
    "invalid_json": b':::MLLOG {"key": "x", \n',
    "json_list": b":::MLLOG [1, 2]\n",
    "json_string": b':::MLLOG "text"\n',
    "missing_time": b':::MLLOG {"key": "x", "value": 1, "metadata": {}}\n',
    "time_not_a_number": b':::MLLOG {"time_ms": "soon", "key": "x", "value": 1, "metadata": {}}\n',
    "time_is_null": b':::MLLOG {"time_ms": null, "key": "x", "value": 1, "metadata": {}}\n',
    "nul_bytes": b'\x00:::MLLOG {"time_ms": 1, "key": "seed", "value": "\x00", "metadata": {}}\n',
    "deep_nesting": b':::MLLOG {"time_ms": 1, "key": "x", "value": ' + b"[" * 5000 + b"]" * 5000 + b', "metadata": {}}\n',
    "carriage_returns": b':::MLLOG {"time_ms": 1, "key": "run_stop", "value": 1, "metadata": {"status": "success"}}\r\r\n',
    "nan_batch_size": b':::MLLOG {"time_ms": 1, "key": "global_batch_size", "value": NaN, "metadata": {}}\n',
    "bad_rcp_line": b"prefix :::MLLOG global_batch_size is not json\n",
    "run_stop_without_eval": b':::MLLOG {"time_ms": 1, "key": "submission_benchmark", "value": "llama2_70b_lora", "metadata": {}}\n:::MLLOG {"time_ms": 2, "key": "run_stop", "value": null, "metadata": {"status": "success"}}\n',
    "benchmark_is_a_list": b':::MLLOG {"time_ms": 1, "key": "submission_benchmark", "value": ["a"], "metadata": {}}\n',
}  # fmt: skip


@pytest.mark.parametrize("ruleset", RULESETS)
def test_a_log_written_with_the_official_logger_is_compliant(tmp_path: Path, ruleset: str) -> None:
    path = write_log(tmp_path / "result_0.txt", ruleset, RunSpec(seed=42, samples_to_converge=3456))

    result = check_log(path, ruleset=ruleset, relpath="results/s/llama2_70b_lora/result_0.txt")

    assert result.compliant and result.findings == []
    assert result.rcp == (0, 3456, 8, "llama2_70b_lora")
    assert [record[2] for record in result.seeds or []] == [42]
    assert (result.benchmark, result.division, result.org, result.status) == (
        "llama2_70b_lora", "closed", "Acme", "success",
    )  # fmt: skip
    assert result.time_to_train_minutes == pytest.approx(10.0)


@pytest.mark.parametrize("ruleset", RULESETS)
def test_a_wrong_hyperparameter_is_reported_on_its_real_file_line(
    tmp_path: Path, ruleset: str
) -> None:
    path = write_log(tmp_path / "result_0.txt", ruleset, RunSpec(seed=1))
    edit_mllog(path, "lora_rank", set_value(8))
    text = "launcher banner\n\nstill not a log line\n" + path.read_text()
    lines = text.splitlines()
    expected_line = next(i for i, line in enumerate(lines, 1) if '"key": "lora_rank"' in line)

    result = check_log(text.encode(), ruleset=ruleset, relpath="r.txt")

    assert not result.compliant
    [finding] = result.findings
    assert finding.line == expected_line
    assert finding.rule == f"training_{ruleset}/closed_llama2_70b_lora.yaml: lora_rank"
    assert "lora_rank" in finding.message and finding.severity == "error"


def test_a_path_and_its_bytes_give_the_same_result(tmp_path: Path) -> None:
    path = write_log(tmp_path / "result_0.txt", "5.1.0", RunSpec(seed=3))

    assert check_log(path, ruleset="5.1.0", relpath="x") == check_log(
        path.read_bytes(), ruleset="5.1.0", relpath="x"
    )


@pytest.fixture(scope="module")
def hostile_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bool | str]:
    folder = tmp_path_factory.mktemp("hostile")
    files = []
    for name, data in HOSTILE.items():
        (folder / name).write_bytes(data)
        files.append((folder / name, "5.1.0"))
    _, verdicts = run_official({}, files, tmp_path_factory.mktemp("official"))
    return {path.name: verdict for path, verdict in verdicts.items()}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_content_becomes_findings_with_the_official_verdict(
    hostile_verdicts: dict[str, bool | str], name: str
) -> None:
    result = check_log(HOSTILE[name], ruleset="5.1.0", relpath=f"results/s/b/{name}")

    assert result.compliant is False and result.findings
    assert (result.compliance_crash is not None) is (hostile_verdicts[name] == "crash")
    assert all(finding.path == f"results/s/b/{name}" for finding in result.findings)
    assert all("\x00" not in finding.message + finding.detail for finding in result.findings)
    assert LogResult.from_dict(json.loads(json.dumps(result.to_dict(), allow_nan=False))) == result


def test_a_log_result_round_trips_through_strict_json(tmp_path: Path) -> None:
    path = write_log(tmp_path / "result_0.txt", "6.1.0", RunSpec(seed=5))
    result = check_log(path, ruleset="6.1.0", relpath="a/b.txt")

    encoded = json.dumps(result.to_dict(), allow_nan=False)

    assert LogResult.from_dict(json.loads(encoded)) == result


def test_rules_outside_the_pinned_package_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    rules = tmp_path / "evil_common.yaml"
    rules.write_text(f"- BEGIN:\n    CODE: \"open({str(marker)!r}, 'w').write('x')\"\n")
    division = os.path.relpath(tmp_path / "evil", os.path.join(COMPLIANCE_ROOT, "training_5.1.0"))
    path = write_log(tmp_path / "result_0.txt", "5.1.0", RunSpec(seed=1, division=division))

    result = check_log(path, ruleset="5.1.0", relpath="r.txt")

    assert not marker.exists()
    assert result.compliant is False
    assert result.compliance_crash and result.compliance_crash.startswith(
        "RulesOutsidePackageError"
    )


def test_a_crashing_log_leaves_nothing_behind_for_the_next_one(tmp_path: Path) -> None:
    good = write_log(tmp_path / "good.txt", "5.1.0", RunSpec(seed=9))
    crashing = good.read_bytes().replace(b'"llama2_70b_lora"', b'"no_such_benchmark"', 1)

    crashed = check_log(crashing, ruleset="5.1.0", relpath="bad.txt")
    after = check_log(good, ruleset="5.1.0", relpath="good.txt")

    assert crashed.compliance_crash is not None and crashed.compliance_crash.startswith(
        "FileNotFoundError"
    )
    assert mlp_compliance.enqueued_configs == []
    assert after.compliant


def test_parse_errors_point_at_their_lines(tmp_path: Path) -> None:
    path = write_log(tmp_path / "result_0.txt", "5.1.0", RunSpec(seed=1))
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(4, f"{TOKEN}{{not json\n")

    result = check_log("".join(lines).encode(), ruleset="5.1.0", relpath="r.txt")

    [parse_error] = [finding for finding in result.findings if finding.check == "log-parse"]
    assert parse_error.line == 5
    assert (
        result.seeds is None and result.seeds_error and "Found parsing errors" in result.seeds_error
    )


def test_an_unknown_ruleset_is_refused() -> None:
    with pytest.raises(ValueError, match="not supported"):
        check_log(b"", ruleset="0.6.0", relpath="x")
