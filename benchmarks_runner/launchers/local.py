"""The default launcher: the benchmark as a local process in its own process group."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading

from benchmarks_runner.catalogue import RunnableBenchmark
from benchmarks_runner.launchers.base import (
    SIGKILL,
    SIGTERM,
    Handle,
    LaunchContext,
    Launcher,
    LaunchError,
    expand,
    signal_group,
)

MAX_LINE = 64 * 1024
"""Longer output without a newline is cut into pieces of this size (garbage must not grow
the runner's memory)."""
EXIT_CANNOT_EXEC = 127


def _environment(ctx: LaunchContext) -> dict[str, str]:
    env = {**os.environ, **ctx.env}
    # Benchmarks print their MLLOG lines as they happen, which the live progress needs.
    env["PYTHONUNBUFFERED"] = "1"
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SECRET_KEY", "RUNNER_TOKEN"):
        env.pop(name, None)  # the benchmark has no business with the service's secrets
    env.update(MLPERF_SEED=str(ctx.seed), MLPERF_SUBMISSION_PLATFORM=ctx.platform)
    return env


class PipeHandle(Handle):
    """A process whose stdout and stderr are read, line by line, by a thread."""

    def __init__(self, argv: list[str], ctx: LaunchContext) -> None:
        executable = argv[0]
        if os.sep not in executable and shutil.which(executable) is None:
            raise LaunchError(f"the command '{executable}' is not installed on this runner")
        guarded = [sys.executable, "-m", "benchmarks_runner.launchers.guard", str(os.getpid())]
        try:
            self._proc = subprocess.Popen(
                [*guarded, "--", *argv],
                cwd=ctx.run_dir,
                env=_environment(ctx),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise LaunchError(f"cannot start '{executable}': {exc.strerror or exc}") from exc
        self.pid = self._proc.pid
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._eof = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stream = self._proc.stdout
        assert stream is not None
        try:
            while chunk := stream.readline(MAX_LINE):
                self._lines.put(chunk.decode("utf-8", errors="replace"))
        except (OSError, ValueError):
            pass
        finally:
            self._lines.put(None)

    def read_lines(self, timeout: float) -> list[str]:
        found: list[str] = []
        try:
            item = self._lines.get(timeout=timeout)
            while True:
                if item is None:
                    self._eof = True
                    break
                found.append(item)
                item = self._lines.get_nowait()
        except queue.Empty:
            pass
        return found

    def poll(self) -> int | None:
        code = self._proc.poll()
        if code is None:
            return None
        if not self._eof:
            # Something left in the group (a child the benchmark started) may hold the pipe
            # open; the benchmark is over, so the group goes too.
            signal_group(self.pid, SIGKILL)
            return None
        return code

    def terminate(self) -> None:
        signal_group(self.pid, SIGTERM)

    def kill(self) -> None:
        signal_group(self.pid, SIGKILL)

    def infrastructure_error(self, exit_code: int) -> str | None:
        if exit_code == EXIT_CANNOT_EXEC:
            return "the benchmark's command could not be executed on this runner"
        return None


class LocalLauncher(Launcher):
    name = "local"

    def command(self, spec: RunnableBenchmark, ctx: LaunchContext) -> list[str]:
        return expand(spec.command, ctx)

    def start(self, spec: RunnableBenchmark, ctx: LaunchContext) -> Handle:
        return PipeHandle(self.command(spec, ctx), ctx)
