"""The reference benchmarks really train on a CPU, reach their targets, log with the official
logger, vary and record their seeds, and their logs pass the project's ruleset through the
submissions checker; broken logs do not."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks_runner.catalogue import project_rulesets, runnable_benchmarks
from submissions.checker import check_log
from submissions.checker.packaged_rules import packaged_rules
from tests.workers import ROOT

RULES = project_rulesets()["reference_1.0.0"]


def run_reference(slug: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", f"benchmarks_runner.references.{slug}", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )


def mllog(stdout: bytes) -> list[dict]:
    return [
        json.loads(line.split(":::MLLOG ", 1)[1])
        for line in stdout.decode().splitlines()
        if ":::MLLOG " in line
    ]


def check(data: bytes):
    return check_log(data, ruleset=RULES.name, relpath="result_0.txt", rules=RULES)


@pytest.fixture(scope="module")
def converged() -> dict[str, bytes]:
    outputs = {}
    for slug in ("digits_mlp", "sine_rnn"):
        done = run_reference(slug, "--seed", "11")
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        outputs[slug] = done.stdout
    return outputs


@pytest.mark.parametrize("slug", ["digits_mlp", "sine_rnn"])
def test_a_reference_run_reaches_its_target_and_its_log_is_compliant(converged, slug):
    records = mllog(converged[slug])
    keys = [r["key"] for r in records]
    for key in ("submission_benchmark", "seed", "init_start", "init_stop", "run_start",
                "run_stop", "eval_accuracy", "global_batch_size", "opt_base_learning_rate"):  # fmt: skip
        assert key in keys, key
    stop = next(r for r in records if r["key"] == "run_stop")
    assert stop["metadata"]["status"] == "success"
    target = runnable_benchmarks()[slug].quality
    assert target.reached(
        next(r for r in reversed(records) if r["key"] == "eval_accuracy")["value"]
    )
    result = check(converged[slug])
    assert result.compliant, [f.message for f in result.findings]
    assert result.benchmark == slug
    assert 0 < result.time_to_train_minutes < 1.0  # well under a minute on one core


def test_the_seed_is_recorded_and_a_fresh_one_is_drawn_when_none_is_given():
    seeds = set()
    for _ in range(2):
        done = run_reference("digits_mlp")
        assert done.returncode == 0
        seeds |= {r["value"] for r in mllog(done.stdout) if r["key"] == "seed"}
    assert len(seeds) == 2


def test_a_run_that_misses_its_target_logs_aborted_and_fails_the_ruleset():
    done = run_reference("digits_mlp", "--seed", "3", "--max-epochs", "1")
    assert done.returncode == 3
    stop = next(r for r in mllog(done.stdout) if r["key"] == "run_stop")
    assert stop["metadata"]["status"] == "aborted"
    result = check(done.stdout)
    assert not result.compliant
    assert any("ATLEAST_ONE_CHECK" in f.rule for f in result.findings)


def test_a_changed_hyperparameter_is_a_finding_of_the_project_rules(converged):
    text = (
        converged["digits_mlp"]
        .decode()
        .replace(
            '"key": "global_batch_size", "value": 32', '"key": "global_batch_size", "value": 64'
        )
    )
    result = check(text.encode())
    assert not result.compliant
    rules = {f.rule for f in result.findings}
    assert "reference_1.0.0/closed_digits_mlp.yaml: global_batch_size" in rules


def test_a_log_cannot_make_the_checker_load_rules_outside_the_packaged_ruleset(converged):
    text = (
        converged["digits_mlp"]
        .decode()
        .replace('"value": "digits_mlp"', '"value": "../../../../tmp/evil"')
    )
    result = check(text.encode())
    assert not result.compliant
    assert result.compliance_crash is not None
    assert result.compliance_crash.startswith("RulesOutsidePackageError")


def test_the_official_ruleset_refuses_a_reference_log(converged):
    result = check_log(converged["digits_mlp"], ruleset="6.1.0", relpath="result_0.txt")
    assert not result.compliant


def test_only_rulesets_inside_an_importable_package_can_be_named():
    with pytest.raises(ValueError, match="not an installed regular package"):
        packaged_rules("no.such.package", name="reference_1.0.0", parser_ruleset="6.1.0")
    with pytest.raises(ValueError, match="must look like"):
        packaged_rules("benchmarks_runner.references.rules", name="../x", parser_ruleset="6.1.0")
    with pytest.raises(ValueError, match="has no"):
        packaged_rules("benchmarks_runner", name="reference_1.0.0", parser_ruleset="6.1.0")
    with pytest.raises(ValueError, match=r"not 'reference_9\.9\.9'"):
        check_log(b"", ruleset="reference_9.9.9", relpath="x", rules=RULES)
