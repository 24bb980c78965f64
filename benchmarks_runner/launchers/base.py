"""The launcher interface: start a benchmark, read its output lines, stop it.

A launcher turns a runnable benchmark into a command line (checked in tests for every kind)
and starts it as a process in its own process group, never inside the runner's process. The
handle it returns is what the runner's loop drives: new output lines, the exit status, and
the two stops (a polite SIGTERM, then SIGKILL after the grace period).
"""

from __future__ import annotations

import contextlib
import os
import signal
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks_runner.catalogue import RunnableBenchmark


class LaunchError(Exception):
    """The launcher could not start the benchmark (a missing tool, a refused job): an
    infrastructure failure, not the benchmark's."""


@dataclass(frozen=True)
class LaunchContext:
    run_id: int
    attempt: int
    seed: int
    platform: str
    run_dir: Path
    python: str
    env: dict[str, str] = field(default_factory=dict)

    @property
    def job_name(self) -> str:
        return f"wg-run-{self.run_id}-{self.attempt}"

    def placeholders(self) -> dict[str, str]:
        return {
            "python": self.python,
            "seed": str(self.seed),
            "platform": self.platform,
            "run_dir": str(self.run_dir),
            "run_id": str(self.run_id),
        }


def expand(template: list[str], ctx: LaunchContext) -> list[str]:
    values = ctx.placeholders()
    return [part.format_map(values) for part in template]


class Handle(ABC):
    """A started benchmark."""

    pid: int | None = None

    @abstractmethod
    def read_lines(self, timeout: float) -> list[str]:
        """Output lines that arrived, waiting up to ``timeout`` seconds for the first."""

    @abstractmethod
    def poll(self) -> int | None:
        """The exit status once the benchmark ended and its output was read to the end."""

    @abstractmethod
    def terminate(self) -> None:
        """Ask the benchmark to stop (SIGTERM to its whole process group, or the equivalent)."""

    @abstractmethod
    def kill(self) -> None:
        """Stop it now (SIGKILL to its process group, or the equivalent)."""

    def infrastructure_error(self, exit_code: int) -> str | None:
        """A message when ``exit_code`` means the launcher failed rather than the benchmark."""
        return None


class Launcher(ABC):
    name: str

    @abstractmethod
    def command(self, spec: RunnableBenchmark, ctx: LaunchContext) -> list[str]:
        """The command line that starts the benchmark."""

    @abstractmethod
    def start(self, spec: RunnableBenchmark, ctx: LaunchContext) -> Handle:
        """Start it; raises LaunchError when that is impossible."""


def signal_group(pgid: int | None, signum: int) -> None:
    if pgid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone
        os.killpg(pgid, signum)


SIGTERM, SIGKILL = signal.SIGTERM, signal.SIGKILL
