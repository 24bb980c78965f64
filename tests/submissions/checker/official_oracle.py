"""The official checkers, run in other processes, as the oracle for the differential tests.

``run_cli`` is the literal ``python -m mlperf_logging.package_checker ORG training RULESET
--log_output F``. Running it once per case costs ~2 s of interpreter start and numpy/scipy
import, so the bulk of the cases go through ``run_official``: one runner process imports the
official modules once, then forks a fresh child per job that executes the package checker's
``__main__`` exactly as ``-m`` does (same argv, its own logging set-up and module state).
``test_forked_runner_agrees_with_the_literal_command`` keeps the two honest.

Every package is checked on a copy, because the official checker rewrites scaling.json.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NO_ERRORS = "PACKAGE CHECKER FOUND NO ERRORS"

_RUNNER = r"""
import json, os, runpy, sys, traceback
import mlperf_logging.package_checker.package_checker  # noqa: F401 - imported once, then forked
from mlperf_logging.compliance_checker import mlp_compliance


def run_package(job):
    sys.argv = ["mlperf_logging.package_checker", job["org"], "training", job["ruleset"],
                "--log_output", job["log"]]
    runpy.run_module("mlperf_logging.package_checker", run_name="__main__", alter_sys=True)


def run_files(job):
    verdicts = []
    for path, ruleset in job["files"]:
        checker = mlp_compliance.make_checker("training", ruleset, False, False)
        try:
            config = "training_{}/common.yaml".format(ruleset)
            verdicts.append(bool(mlp_compliance.main(path, config, checker)[0]))
        except Exception:
            verdicts.append("crash")
            # As if each file had its own process: a crash leaves configs in the global queue.
            mlp_compliance.enqueued_configs.clear()
    with open(job["out"], "w") as stream:
        json.dump(verdicts, stream)


def child(job):
    fd = os.open(job["stdio"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    code = 0
    try:
        os.chdir(job["cwd"])
        (run_package if job["kind"] == "package" else run_files)(job)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


jobs = json.load(sys.stdin)
parallel = int(sys.argv[1])
pending = list(enumerate(jobs))
running, codes = {}, {}
while pending or running:
    while pending and len(running) < parallel:
        index, job = pending.pop(0)
        pid = os.fork()
        if pid == 0:
            child(job)
        running[pid] = index
    pid, status = os.wait()
    codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
print(json.dumps([codes[index] for index in range(len(jobs))]))
"""


@dataclass(frozen=True)
class OfficialVerdict:
    ok: bool
    crashed: bool
    log: str


def copy_package(source: Path, target: Path) -> Path:
    """A writable copy (the corpus is read-only, and the official checker writes into it)."""
    shutil.copytree(source, target, symlinks=True, copy_function=shutil.copyfile)
    for folder, _dirs, _files in os.walk(target):
        os.chmod(folder, os.stat(folder).st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)
    return target


def _verdict(log_path: Path, stdio: str) -> OfficialVerdict:
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    return OfficialVerdict(ok=NO_ERRORS in log, crashed="Traceback" in stdio, log=log)


def run_cli(org_dir: Path, ruleset: str, workdir: Path) -> OfficialVerdict:
    """The literal official command on a copy of ``org_dir``."""
    copy = copy_package(org_dir, workdir / "copy" / org_dir.name)
    log = workdir / "package_checker.log"
    done = subprocess.run(
        [sys.executable, "-m", "mlperf_logging.package_checker", str(copy), "training", ruleset,
         "--log_output", str(log)],
        cwd=workdir, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    return _verdict(log, done.stdout + done.stderr)


def run_official(
    packages: dict[str, tuple[Path, str]],
    files: list[tuple[Path, str]],
    workdir: Path,
    parallel: int = 2,
) -> tuple[dict[str, OfficialVerdict], dict[Path, bool | str]]:
    """Package verdicts per name, and per-file compliance verdicts (True, False or "crash")."""
    jobs = []
    for index, (name, (org_dir, ruleset)) in enumerate(packages.items()):
        job_dir = workdir / f"package_{index}"
        copy = copy_package(org_dir, job_dir / "copy" / org_dir.name)
        jobs.append({"kind": "package", "name": name, "org": str(copy), "ruleset": ruleset,
                     "log": str(job_dir / "package_checker.log"),
                     "stdio": str(job_dir / "stdio.txt"), "cwd": str(job_dir)})  # fmt: skip
    chunks = [files[start : start + 200] for start in range(0, len(files), 200)]
    for index, chunk in enumerate(chunks):
        out = workdir / f"files_{index}.json"
        jobs.append({"kind": "files", "files": [[str(p), r] for p, r in chunk], "out": str(out),
                     "stdio": str(workdir / f"files_{index}.txt"), "cwd": str(workdir)})  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(parallel)],
        input=json.dumps(jobs), capture_output=True, text=True, timeout=900, check=True,
    )  # fmt: skip
    json.loads(done.stdout.strip().splitlines()[-1])
    verdicts = {
        job["name"]: _verdict(Path(job["log"]), Path(job["stdio"]).read_text(errors="replace"))
        for job in jobs
        if job["kind"] == "package"
    }
    per_file: dict[Path, bool | str] = {}
    for index, chunk in enumerate(chunks):
        results = json.loads((workdir / f"files_{index}.json").read_text())
        per_file.update({path: result for (path, _), result in zip(chunk, results, strict=True)})
    return verdicts, per_file
