"""Containers: ``docker run`` or ``podman run`` of the benchmark's image, where the host has
one of them. The client process is the handle; stopping goes through the engine, since a
signal to the client does not reach the container."""

from __future__ import annotations

import shutil
import subprocess

from django.conf import settings

from benchmarks_runner.catalogue import RunnableBenchmark
from benchmarks_runner.launchers.base import Handle, LaunchContext, Launcher, LaunchError, expand
from benchmarks_runner.launchers.local import PipeHandle

ENGINES = ("docker", "podman")
EXIT_ENGINE_FAILED = 125
"""``docker run`` / ``podman run`` exit with 125 when the engine itself failed."""


def engine() -> str | None:
    configured = settings.RUNNER_CONTAINER_ENGINE
    if configured:
        return configured if shutil.which(configured) else None
    return next((name for name in ENGINES if shutil.which(name)), None)


class ContainerHandle(PipeHandle):
    def __init__(self, argv: list[str], ctx: LaunchContext, engine_name: str) -> None:
        self._engine, self._name = engine_name, ctx.job_name
        super().__init__(argv, ctx)

    def _engine_kill(self, signal_name: str) -> None:
        subprocess.run(
            [self._engine, "kill", "--signal", signal_name, self._name],
            capture_output=True,
            timeout=30,
            check=False,
        )

    def terminate(self) -> None:
        self._engine_kill("TERM")
        super().terminate()

    def kill(self) -> None:
        self._engine_kill("KILL")
        super().kill()

    def infrastructure_error(self, exit_code: int) -> str | None:
        if exit_code == EXIT_ENGINE_FAILED:
            return f"the container engine ({self._engine}) could not run the image"
        return super().infrastructure_error(exit_code)


class ContainerLauncher(Launcher):
    name = "container"

    def command(
        self, spec: RunnableBenchmark, ctx: LaunchContext, engine_name: str = ""
    ) -> list[str]:
        name = engine_name or engine() or ENGINES[0]
        return [
            name,
            "run",
            "--rm",
            "--init",
            "--name",
            ctx.job_name,
            "--env",
            f"MLPERF_SEED={ctx.seed}",
            "--env",
            f"MLPERF_SUBMISSION_PLATFORM={ctx.platform}",
            "--volume",
            f"{ctx.run_dir}:/results",
            spec.image,
            *expand(spec.command, ctx),
        ]

    def start(self, spec: RunnableBenchmark, ctx: LaunchContext) -> Handle:
        found = engine()
        if found is None:
            raise LaunchError("no container engine (docker or podman) is installed on this runner")
        return ContainerHandle(self.command(spec, ctx, found), ctx, found)
