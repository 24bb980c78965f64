"""Re-validation from a cache of per-log results, and the process pool."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from mllog_factory import BENCHMARK, write_package
from official_oracle import copy_package
from package_cases import AMD_8B, CORPUS_ROUND, GEN_BENCH, edit_mllog, set_value

from submissions.checker import LogResult, PackageReport, check_benchmark, check_package


def _without_reuse(report: PackageReport) -> dict[str, Any]:
    data = report.to_json()
    data.pop("reused")
    return data


def test_changing_one_log_rechecks_only_that_log(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "6.1.0")
    first = check_package(org_dir, ruleset="6.1.0")
    edit_mllog(org_dir / GEN_BENCH / "result_3.txt", "lora_rank", set_value(32))

    again = check_package(org_dir, ruleset="6.1.0", cache=first.log_cache())
    fresh = check_package(org_dir, ruleset="6.1.0")

    changed = f"{GEN_BENCH}/result_3.txt"
    assert sorted(again.reused) == sorted(log.path for log in first.logs if log.path != changed)
    assert _without_reuse(again) == _without_reuse(fresh)
    assert again.ok and not next(log for log in again.logs if log.path == changed).compliant


def test_a_cache_survives_a_trip_through_json(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    first = check_package(org_dir, ruleset="5.1.0")
    stored = json.loads(json.dumps({k: v.to_dict() for k, v in first.log_cache().items()}))

    again = check_package(
        org_dir, ruleset="5.1.0", cache={k: LogResult.from_dict(v) for k, v in stored.items()}
    )

    assert len(again.reused) == 10
    assert _without_reuse(again) == _without_reuse(first)


def test_cached_results_of_another_ruleset_or_checker_version_are_not_reused(
    tmp_path: Path,
) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    cache = check_package(org_dir, ruleset="5.1.0").log_cache()
    other_engine = {
        k: dataclasses.replace(v, engine="mlperf-logging==0.0.1;schema=0") for k, v in cache.items()
    }

    assert check_package(org_dir, ruleset="6.1.0", cache=cache).reused == []
    assert check_package(org_dir, ruleset="5.1.0", cache=other_engine).reused == []


def test_a_log_copied_to_another_path_is_reused_under_its_new_path(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0")
    cache = check_package(org_dir, ruleset="5.1.0").log_cache()
    folder = org_dir / GEN_BENCH
    (folder / "result_0.txt").rename(folder / "result_renamed.txt")

    report = check_benchmark(
        org_dir, system="acme_box", benchmark=BENCHMARK, ruleset="5.1.0", cache=cache
    )

    assert f"{GEN_BENCH}/result_renamed.txt" in report.reused
    assert {log.path for log in report.logs} == {
        f"{GEN_BENCH}/{path.name}" for path in folder.glob("result_*.txt")
    }


def test_a_process_pool_gives_the_same_report_as_one_process(tmp_path: Path) -> None:
    org_dir = write_package(tmp_path, "5.1.0", system="box_a")
    write_package(tmp_path, "5.1.0", system="box_b")
    edit_mllog(org_dir / "results/box_b" / BENCHMARK / "result_1.txt", "run_stop", lambda r: None)

    pooled = check_package(org_dir, ruleset="5.1.0", workers=2)
    single = check_package(org_dir, ruleset="5.1.0")

    assert pooled.to_json() == single.to_json()
    assert [b.system for b in pooled.benchmarks] == ["box_a", "box_b"]


def test_re_validating_a_corpus_package_reuses_every_unchanged_log(
    corpus: Path, tmp_path: Path
) -> None:
    org_dir = copy_package(corpus / CORPUS_ROUND / "AMD", tmp_path / "AMD")
    first = check_package(org_dir, ruleset="5.1.0")
    with (org_dir / AMD_8B / "result_7.txt").open("a") as stream:
        stream.write("a trailing note from the launcher\n")

    again = check_package(org_dir, ruleset="5.1.0", cache=first.log_cache())

    assert len(again.reused) == 19 and f"{AMD_8B}/result_7.txt" not in again.reused
    assert _without_reuse(again) == _without_reuse(check_package(org_dir, ruleset="5.1.0"))
    assert again.to_json()["scores"] == first.to_json()["scores"]
