"""MLCommons' automation (``mlcflow``): a benchmark that names an MLC script by its tags is
run as ``mlc run script --tags=...``, a local process like any other."""

from __future__ import annotations

from benchmarks_runner.catalogue import RunnableBenchmark
from benchmarks_runner.launchers.base import Handle, LaunchContext, Launcher
from benchmarks_runner.launchers.local import PipeHandle

TOOL = "mlc"


class MlcflowLauncher(Launcher):
    name = "mlcflow"

    def command(self, spec: RunnableBenchmark, ctx: LaunchContext) -> list[str]:
        return [
            TOOL,
            "run",
            "script",
            f"--tags={spec.mlc_tags}",
            "--quiet",
            f"--env.MLPERF_SEED={ctx.seed}",
            f"--env.MLPERF_SUBMISSION_PLATFORM={ctx.platform}",
            f"--env.MLPERF_RESULTS_DIR={ctx.run_dir}",
        ]

    def start(self, spec: RunnableBenchmark, ctx: LaunchContext) -> Handle:
        return PipeHandle(self.command(spec, ctx), ctx)
