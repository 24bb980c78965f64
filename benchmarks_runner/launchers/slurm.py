"""SLURM: ``sbatch`` a job that runs the benchmark, then poll it (``squeue``, ``sacct``) and
follow its output file. Stopping is ``scancel`` (TERM first, then the job)."""

from __future__ import annotations

import math
import shlex
import shutil
import subprocess
import time
from pathlib import Path

from benchmarks_runner.catalogue import RunnableBenchmark
from benchmarks_runner.launchers.base import Handle, LaunchContext, Launcher, LaunchError, expand

POLL_EVERY_S = 5.0
TOOL_TIMEOUT_S = 60
FINISHED = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
            "PREEMPTED", "BOOT_FAIL", "DEADLINE"}  # fmt: skip
INFRASTRUCTURE = {"NODE_FAIL", "BOOT_FAIL", "PREEMPTED"}


def _tool(argv: list[str]) -> subprocess.CompletedProcess[str]:
    if shutil.which(argv[0]) is None:
        raise LaunchError(f"the SLURM command '{argv[0]}' is not installed on this runner")
    return subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False)


def batch_script(spec: RunnableBenchmark, ctx: LaunchContext) -> str:
    exports = "".join(
        f"export {name}={shlex.quote(value)}\n"
        for name, value in (
            ("MLPERF_SEED", str(ctx.seed)),
            ("MLPERF_SUBMISSION_PLATFORM", ctx.platform),
            ("PYTHONUNBUFFERED", "1"),
        )
    )
    return f"#!/bin/sh\n{exports}exec {shlex.join(expand(spec.command, ctx))}\n"


class SlurmHandle(Handle):
    def __init__(self, job_id: str, output: Path) -> None:
        self.job_id, self._output = job_id, output
        self._offset, self._partial = 0, ""
        self._state: str | None = None
        self._exit: int | None = None
        self._last_poll = -math.inf

    def read_lines(self, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            lines = self._new_lines()
            if lines or time.monotonic() >= deadline:
                return lines
            time.sleep(min(0.2, timeout))

    def _new_lines(self) -> list[str]:
        try:
            with self._output.open("rb") as stream:
                stream.seek(self._offset)
                data = stream.read()
        except FileNotFoundError:
            return []  # the job has not started writing yet
        self._offset += len(data)
        text = self._partial + data.decode("utf-8", errors="replace")
        lines = text.splitlines(keepends=True)
        self._partial = lines.pop() if lines and not lines[-1].endswith("\n") else ""
        return lines

    def poll(self) -> int | None:
        if self._exit is not None:
            return self._exit
        if time.monotonic() - self._last_poll < POLL_EVERY_S:
            return None
        self._last_poll = time.monotonic()
        queued = _tool(["squeue", "--noheader", "--jobs", self.job_id, "--format", "%T"])
        if queued.returncode == 0 and queued.stdout.strip():
            return None  # pending or running
        accounted = _tool(
            [
                "sacct",
                "--noheader",
                "--parsable2",
                "--jobs",
                self.job_id,
                "--format",
                "State,ExitCode",
            ]
        )
        first = (accounted.stdout.strip().splitlines() or [""])[0].split("|")
        state = first[0].split()[0] if first[0] else ""
        if state not in FINISHED:
            return None
        self._state = state
        code = first[1].split(":")[0] if len(first) > 1 else "1"
        self._exit = int(code) if code.isdigit() else 1
        if self._partial:
            self._partial += "\n"
        return self._exit

    def terminate(self) -> None:
        _tool(["scancel", "--signal", "TERM", "--full", self.job_id])

    def kill(self) -> None:
        _tool(["scancel", self.job_id])

    def infrastructure_error(self, exit_code: int) -> str | None:
        if self._state in INFRASTRUCTURE:
            return f"the SLURM job ended with state {self._state}"
        return None


class SlurmLauncher(Launcher):
    name = "slurm"

    def command(self, spec: RunnableBenchmark, ctx: LaunchContext) -> list[str]:
        minutes = max(1, math.ceil(spec.wall_clock_limit_s / 60) + 1)
        return [
            "sbatch",
            "--parsable",
            f"--job-name={ctx.job_name}",
            f"--output={ctx.run_dir / 'slurm-%j.out'}",
            f"--time={minutes}",
            str(ctx.run_dir / "job.sh"),
        ]

    def start(self, spec: RunnableBenchmark, ctx: LaunchContext) -> Handle:
        (ctx.run_dir / "job.sh").write_text(batch_script(spec, ctx))
        submitted = _tool(self.command(spec, ctx))
        job_id = submitted.stdout.strip().split(";")[0]
        if submitted.returncode != 0 or not job_id.isdigit():
            reason = (submitted.stderr or submitted.stdout).strip()[:300]
            raise LaunchError(f"sbatch refused the job: {reason or 'no job id'}")
        return SlurmHandle(job_id, ctx.run_dir / f"slurm-{job_id}.out")
