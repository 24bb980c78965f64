"""Scores, scaling factors and line numbers on the real published v5.1 logs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from official_oracle import copy_package
from package_cases import CORPUS_ROUND, NVIDIA_BENCH, edit_mllog, insert_after, set_value

from submissions.checker import check_package

OFFICIAL_SCORES = [
    ("NVIDIA", "llama2_70b_lora", 8.9872),
    ("AMD", "llama2_70b_lora", 10.1847),
    ("AMD", "llama31_8b", 99.7085),
    ("Lenovo", "llama2_70b_lora", 9.7100),
    ("Lenovo", "retinanet", 22.1501),
]


def _snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    return {
        path.relative_to(folder).as_posix(): (
            path.stat().st_mtime_ns,
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir",
        )
        for path in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize(("org", "benchmark", "expected"), OFFICIAL_SCORES)
def test_scores_equal_the_published_official_scores(
    corpus: Path, org: str, benchmark: str, expected: float
) -> None:
    report = check_package(corpus / CORPUS_ROUND / org, ruleset="5.1.0")

    [score] = [s for s in report.to_json()["scores"] if s["benchmark"] == benchmark]

    assert round(score["score_minutes"], 4) == pytest.approx(expected, abs=1e-9)
    assert score["division"] == "closed"


@pytest.mark.parametrize("org", ["NVIDIA", "AMD", "Lenovo"])
def test_scaling_factors_equal_what_the_official_checker_writes(corpus: Path, org: str) -> None:
    org_dir = corpus / CORPUS_ROUND / org
    report = check_package(org_dir, ruleset="5.1.0")

    for benchmark in report.benchmarks:
        scaling = org_dir / benchmark.path / "scaling.json"
        published = json.loads(scaling.read_text())["scaling_factor"] if scaling.exists() else 1.0
        assert benchmark.scaling_factor == published


def test_a_corrupted_corpus_line_is_reported_on_its_real_line(corpus: Path, tmp_path: Path) -> None:
    org_dir = copy_package(corpus / CORPUS_ROUND / "NVIDIA", tmp_path / "NVIDIA")
    log = org_dir / NVIDIA_BENCH / "result_2.txt"
    edit_mllog(log, "lora_rank", set_value(8))
    insert_after(log, 0, "+ srun --container-image=nemo:25.09 ./run_and_time.sh\n")
    lines = log.read_text(encoding="latin-1").splitlines()
    expected = next(n for n, line in enumerate(lines, 1) if '"key": "lora_rank"' in line)
    official_index = [line for line in lines if ":::MLLOG " in line].index(lines[expected - 1])

    report = check_package(org_dir, ruleset="5.1.0")

    [result] = [r for r in report.to_json()["results"] if r["path"].endswith("result_2.txt")]
    [finding] = result["findings"]
    assert finding["line"] == expected
    assert f"failed in line {official_index}:" in finding["detail"] and official_index != expected
    assert finding["rule"] == "training_5.1.0/closed_llama2_70b_lora.yaml: lora_rank"
    assert report.ok  # one failing run is accepted under olympic scoring


def test_checking_a_package_writes_nothing_into_it(corpus: Path, tmp_path: Path) -> None:
    org_dir = copy_package(corpus / CORPUS_ROUND / "AMD", tmp_path / "AMD")
    (org_dir / "results/MI355X_EPYC_9575F_pytorch/llama31_8b/scaling.json").write_text(
        '{"scaling_factor": 0.5}'
    )
    before = _snapshot(org_dir)

    report = check_package(org_dir, ruleset="5.1.0", workers=2)

    assert _snapshot(org_dir) == before
    [llama31] = [b for b in report.benchmarks if b.benchmark == "llama31_8b"]
    assert llama31.scaling_factor == 1.004011735824202  # what the official checker would write
    assert any(f.check == "scoring" for f in llama31.findings)
