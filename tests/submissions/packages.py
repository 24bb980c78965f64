"""Submission packages for the service tests: generated with the official mllog logger (always
available) or copied from the corpus of real published logs (skipped when it is absent)."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.submissions.checker import mllog_factory

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(
    os.environ.get("MLPERF_CORPUS_DIR", ROOT.parent / "shared" / "corpus" / "mlperf_training")
)
CORPUS_ROUND = CORPUS / "training_results_v5.1"
# Official scores (minutes) of the corpus, from the MLPerf result summarizer.
OFFICIAL_SCORES = {
    ("NVIDIA", "llama2_70b_lora"): 8.9872,
    ("AMD", "llama2_70b_lora"): 10.1847,
    ("AMD", "llama31_8b"): 99.7085,
    ("Lenovo", "llama2_70b_lora"): 9.7100,
    ("Lenovo", "retinanet"): 22.1501,
}


def corpus_org(name: str) -> Path:
    if not CORPUS_ROUND.is_dir():
        pytest.skip(f"the corpus of real MLPerf logs is not at {CORPUS} (set MLPERF_CORPUS_DIR)")
    return CORPUS_ROUND / name


def generated_org(tmp: Path, *, org: str = "Acme", ruleset: str = "5.1.0", runs=None) -> Path:
    return mllog_factory.write_package(tmp, ruleset, org=org, runs=runs)


def copy_org(source: Path, tmp: Path) -> Path:
    target = tmp / source.name
    shutil.copytree(source, target)
    return target


def tar_gz(org_dir: Path, *, arcname: str | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(org_dir, arcname=arcname or org_dir.name)
    buffer.seek(0)
    buffer.name = f"{org_dir.name}.tar.gz"
    return buffer


def edit_log(path: Path, change: Callable[[list[str]], list[str]]) -> None:
    path.write_text(
        "".join(change(path.read_text(encoding="latin-1").splitlines(keepends=True))),
        encoding="latin-1",
    )


def without_key(key: str) -> Callable[[list[str]], list[str]]:
    """Drop every MLLOG line with this key (e.g. run_stop)."""
    return lambda lines: [line for line in lines if f'"key": "{key}"' not in line]


def first_line_with(path: Path, key: str) -> int:
    for number, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if f'"key": "{key}"' in line:
            return number
    raise AssertionError(f"{path} has no {key} line")


def set_value(key: str, value: object) -> Callable[[list[str]], list[str]]:
    def change(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if f'"key": "{key}"' in line and ":::MLLOG " in line:
                head, payload = line.split(":::MLLOG ", 1)
                record = json.loads(payload)
                record["value"] = value
                line = f"{head}:::MLLOG {json.dumps(record)}\n"
            out.append(line)
        return out

    return change
