"""The packages the differential tests run through both checkers: corpus folders, corrupted
copies of them, and generated packages (so that the comparison runs without the corpus too)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mllog_factory as factory
from official_oracle import OfficialVerdict, copy_package

from submissions.checker import PackageReport

TOKEN = ":::MLLOG "
CORPUS_ROUND = "training_results_v5.1"


def corpus_dir() -> Path:
    default = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "mlperf_training"
    return Path(os.environ.get("MLPERF_CORPUS_DIR", default))


def corpus_org(org: str) -> Path:
    return corpus_dir() / CORPUS_ROUND / org


def corpus_available() -> bool:
    return all(corpus_org(org).is_dir() for org in ("NVIDIA", "AMD", "Lenovo"))


CORPUS_MISSING = f"the MLPerf corpus is not at {corpus_dir()} (set MLPERF_CORPUS_DIR)"


NVIDIA_BENCH = "results/tyche_ngpu8_ngc25.09_nemo/llama2_70b_lora"
AMD_LORA = "results/MI355X_EPYC_9575F_pytorch/llama2_70b_lora"
AMD_8B = "results/MI355X_EPYC_9575F_pytorch/llama31_8b"
LENOVO_RETINANET = "results/SR680aV3-8xB200_SXM_180GB/retinanet"
LENOVO_SYSTEM = "systems/SR680aV3-8xB200_SXM_180GB.json"
GEN_BENCH = f"results/acme_box/{factory.BENCHMARK}"


def edit_mllog(
    path: Path, key: str, change: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> None:
    """Rewrite (or with ``None`` delete) every MLLOG line of ``key``, keeping any line prefix."""
    lines = path.read_text(encoding="latin-1").splitlines(keepends=True)
    out = []
    for line in lines:
        if TOKEN in line:
            prefix, _, body = line.rpartition(TOKEN)
            record = json.loads(body)
            if record.get("key") == key:
                changed = change(record)
                if changed is None:
                    continue
                line = prefix + TOKEN + json.dumps(changed) + "\n"
        out.append(line)
    path.write_text("".join(out), encoding="latin-1")


def set_value(value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda record: {**record, "value": value}


def drop(_record: dict[str, Any]) -> None:
    return None


def seed_of(path: Path) -> int:
    for line in path.read_text(encoding="latin-1").splitlines():
        if TOKEN in line and json.loads(line.rpartition(TOKEN)[2]).get("key") == "seed":
            return int(json.loads(line.rpartition(TOKEN)[2])["value"])
    raise AssertionError(f"no seed in {path}")


def truncate(path: Path, fraction: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def insert_after(path: Path, line_number: int, text: str) -> None:
    lines = path.read_text(encoding="latin-1").splitlines(keepends=True)
    lines.insert(line_number, text)
    path.write_text("".join(lines), encoding="latin-1")


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


@dataclass(frozen=True)
class Case:
    name: str
    ruleset: str
    build: Callable[[Path], Path]
    expect_ok: bool
    """What the official checker says; asserted too, so that a case keeps testing what it names."""
    corpus: bool = False


@dataclass(frozen=True)
class Compared:
    case: Case
    org_dir: Path
    ours: PackageReport
    official: OfficialVerdict
    official_files: dict[str, bool | str]
    """Official per-file compliance verdict by path relative to the org folder."""


def _corpus(org: str, change: Callable[[Path], None] | None = None) -> Callable[[Path], Path]:
    def build(root: Path) -> Path:
        org_dir = copy_package(corpus_org(org), root / org)
        if change is not None:
            change(org_dir)
        return org_dir

    return build


def _generated(
    ruleset: str, change: Callable[[Path], None] | None = None, **kwargs: Any
) -> Callable[[Path], Path]:
    def build(root: Path) -> Path:
        org_dir = factory.write_package(root, ruleset, **kwargs)
        if change is not None:
            change(org_dir)
        return org_dir

    return build


Change = Callable[[Path], None]


def _set(relpath: str, key: str, value: Any) -> Change:
    return lambda org: edit_mllog(org / relpath, key, set_value(value))


def _drop(key: str, *relpaths: str) -> Change:
    def change(org: Path) -> None:
        for relpath in relpaths:
            edit_mllog(org / relpath, key, drop)

    return change


def _unlink(relpath: str) -> Change:
    return lambda org: (org / relpath).unlink()


def _remove_fields(relpath: str, *names: str) -> Change:
    def change(org: Path) -> None:
        def remove(data: dict[str, Any]) -> None:
            for name in names:
                del data[name]

        edit_json(org / relpath, remove)

    return change


def _copy_seed(bench: str, source: str, target: str) -> Change:
    def change(org: Path) -> None:
        edit_mllog(org / bench / target, "seed", set_value(seed_of(org / bench / source)))

    return change


def _chain(*changes: Change) -> Change:
    def change(org: Path) -> None:
        for step in changes:
            step(org)

    return change


def _too_many(org: Path) -> None:
    extra = org / NVIDIA_BENCH / "result_10.txt"
    extra.write_bytes((org / NVIDIA_BENCH / "result_0.txt").read_bytes())
    edit_mllog(extra, "seed", set_value(424242))


def _params(text: str, bench: str = GEN_BENCH) -> Callable[[Path], None]:
    return lambda org: (org / bench / "package_checker_params").write_text(text)


def _fast_runs() -> list[factory.RunSpec]:
    return [factory.RunSpec(seed=7 + i, samples_to_converge=1536, minutes=5 + i) for i in range(10)]


def _hostile_garbage(org: Path) -> None:
    (org / GEN_BENCH / "result_4.txt").write_bytes(bytes(range(256)) * 40 + b"\r\n:::MLLOG {]\r")


def _hostile_crash(org: Path) -> None:
    insert_after(org / GEN_BENCH / "result_1.txt", 3, ':::MLLOG {"key": "no_time", "value": 1}\n')


def _extra_entries(org: Path) -> None:
    (org / "results" / "README.txt").write_text("notes\n")
    (org / "results" / "acme_box" / "notes.txt").write_text("notes\n")
    unknown = org / "results" / "acme_box" / "not_a_benchmark"
    unknown.mkdir()
    (unknown / "result_0.txt").write_text("hello\n")


_BROKEN_LINE = ':::MLLOG {"namespace": "", "time_ms": 1, "key": "broken\n'
_ESCAPE = "../../../../../../../no/such/rules"

CASES: list[Case] = [
    Case("corpus_nvidia", "5.1.0", _corpus("NVIDIA"), True, corpus=True),
    Case("corpus_amd", "5.1.0", _corpus("AMD"), True, corpus=True),
    Case("corpus_lenovo", "5.1.0", _corpus("Lenovo"), True, corpus=True),
    Case("corpus_missing_run_stop", "5.1.0", _corpus("NVIDIA", _drop("run_stop", f"{NVIDIA_BENCH}/result_3.txt")), True, corpus=True),
    Case("corpus_wrong_hyperparameter", "5.1.0", _corpus("NVIDIA", _set(f"{NVIDIA_BENCH}/result_2.txt", "lora_rank", 8)), True, corpus=True),
    Case("corpus_two_bad_logs", "5.1.0", _corpus("AMD", _chain(_set(f"{AMD_LORA}/result_2.txt", "lora_rank", 8), _set(f"{AMD_LORA}/result_5.txt", "lora_rank", 8))), False, corpus=True),
    Case("corpus_duplicate_seed", "5.1.0", _corpus("NVIDIA", _copy_seed(NVIDIA_BENCH, "result_0.txt", "result_1.txt")), False, corpus=True),
    Case("corpus_truncated_file", "5.1.0", _corpus("Lenovo", lambda o: truncate(o / LENOVO_RETINANET / "result_02.txt")), False, corpus=True),
    Case("corpus_wrong_benchmark_name", "5.1.0", _corpus("AMD", _set(f"{AMD_8B}/result_0.txt", "submission_benchmark", "llama31_8bx")), False, corpus=True),
    Case("corpus_too_few_runs", "5.1.0", _corpus("Lenovo", _unlink(f"{LENOVO_RETINANET}/result_05.txt")), False, corpus=True),
    Case("corpus_too_many_runs", "5.1.0", _corpus("NVIDIA", _too_many), False, corpus=True),
    Case("corpus_invalid_json_line", "5.1.0", _corpus("AMD", lambda o: insert_after(o / AMD_LORA / "result_4.txt", 5, _BROKEN_LINE)), False, corpus=True),
    Case("corpus_system_missing_fields", "5.1.0", _corpus("Lenovo", _remove_fields(LENOVO_SYSTEM, "cooling", "hw_notes")), False, corpus=True),
    Case("corpus_missing_system", "5.1.0", _corpus("NVIDIA", _unlink("systems/tyche_ngpu8_ngc25.09_nemo.json")), False, corpus=True),
    Case("generated_5_1", "5.1.0", _generated("5.1.0"), True),
    Case("generated_6_1", "6.1.0", _generated("6.1.0"), True),
    Case("generated_one_bad_log", "5.1.0", _generated("5.1.0", _set(f"{GEN_BENCH}/result_6.txt", "lora_rank", 4)), True),
    Case("generated_two_bad_logs", "6.1.0", _generated("6.1.0", _drop("run_stop", f"{GEN_BENCH}/result_0.txt", f"{GEN_BENCH}/result_9.txt")), False),
    Case("generated_duplicate_seed_bypassed", "6.1.0", _generated("6.1.0", _chain(_copy_seed(GEN_BENCH, "result_0.txt", "result_5.txt"), _params("seed-checker-bypass"))), True),
    Case("generated_bypass_line_with_newline", "5.1.0", _generated("5.1.0", _chain(_copy_seed(GEN_BENCH, "result_0.txt", "result_5.txt"), _params("seed-checker-bypass\n"))), False),
    Case("generated_rcp_too_fast", "5.1.0", _generated("5.1.0", runs=_fast_runs()), False),
    Case("generated_rcp_too_fast_bypassed", "6.1.0", _generated("6.1.0", _params("rcp-bypass"), runs=_fast_runs()), True),
    Case("generated_extra_entries_ignored", "5.1.0", _generated("5.1.0", _extra_entries), True),
    Case("generated_result_is_a_folder", "6.1.0", _generated("6.1.0", lambda o: (o / GEN_BENCH / "result_10.txt").mkdir()), False),
    Case("generated_no_division", "5.1.0", _generated("5.1.0", _remove_fields("systems/acme_box.json", "division")), False),
    Case("generated_integer_system_field", "6.1.0", _generated("6.1.0", lambda o: edit_json(o / "systems/acme_box.json", lambda d: d.update(accelerators_per_node=8))), False),
    Case("generated_missing_key_crash", "5.1.0", _generated("5.1.0", _hostile_crash), False),
    Case("generated_binary_garbage_log", "6.1.0", _generated("6.1.0", _hostile_garbage), False),
    Case("generated_division_escaping_package", "6.1.0", _generated("6.1.0", _set(f"{GEN_BENCH}/result_2.txt", "submission_division", _ESCAPE)), False),
    Case("generated_division_in_package_path", "5.1.0", _generated("5.1.0", _set(f"{GEN_BENCH}/result_3.txt", "submission_division", "../training_5.0.0/closed")), True),
    Case("generated_open_division", "6.1.0", _generated("6.1.0", _copy_seed(GEN_BENCH, "result_0.txt", "result_5.txt"), division="open"), True),
]  # fmt: skip
