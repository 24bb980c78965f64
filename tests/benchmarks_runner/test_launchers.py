"""Launchers: their command lines, and each started for real where its tool exists here
(local always; the docker client without an engine; SLURM through stand-in tools)."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest

from benchmarks_runner.catalogue import RunnableBenchmark, runnable_get
from benchmarks_runner.launchers import LAUNCHERS, LaunchContext, LaunchError
from benchmarks_runner.launchers.container import ContainerLauncher
from benchmarks_runner.launchers.slurm import SlurmHandle, SlurmLauncher, batch_script


def ctx(tmp_path: Path) -> LaunchContext:
    return LaunchContext(
        run_id=12, attempt=2, seed=4242, platform="1x Test CPU", run_dir=tmp_path,
        python=sys.executable,
    )  # fmt: skip


def spec(**values) -> RunnableBenchmark:
    base = {
        "slug": "bench", "name": "B", "task": "t", "ruleset": "reference_1.0.0",
        "quality": {"target": 1.0, "higher_is_better": True},
        "command": ["{python}", "-m", "bench", "--seed", "{seed}", "--out", "{run_dir}"],
    }  # fmt: skip
    return RunnableBenchmark(**{**base, **values})


def drain(handle, timeout: float = 30) -> tuple[int, str]:
    code, pieces = drain_pieces(handle, timeout)
    return code, "".join(pieces)


def drain_pieces(handle, timeout: float = 30) -> tuple[int, list[str]]:
    out, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        out += handle.read_lines(0.2)
        code = handle.poll()
        if code is not None:
            return code, out
    raise AssertionError("the process did not end")


def test_the_local_command_line_fills_the_placeholders(tmp_path):
    assert LAUNCHERS["local"].command(spec(), ctx(tmp_path)) == [
        sys.executable, "-m", "bench", "--seed", "4242", "--out", str(tmp_path),
    ]  # fmt: skip


def test_the_container_command_line(tmp_path):
    line = ContainerLauncher().command(
        spec(launcher="container", image="mlcommons/bert:1", command=["python", "t.py"]),
        ctx(tmp_path),
        "podman",
    )
    assert line == [
        "podman", "run", "--rm", "--init", "--name", "wg-run-12-2",
        "--env", "MLPERF_SEED=4242", "--env", "MLPERF_SUBMISSION_PLATFORM=1x Test CPU",
        "--volume", f"{tmp_path}:/results", "mlcommons/bert:1", "python", "t.py",
    ]  # fmt: skip


def test_the_slurm_command_line_and_batch_script(tmp_path):
    bench = spec(launcher="slurm", wall_clock_limit_s=600)
    assert SlurmLauncher().command(bench, ctx(tmp_path)) == [
        "sbatch", "--parsable", "--job-name=wg-run-12-2",
        f"--output={tmp_path / 'slurm-%j.out'}", "--time=11", str(tmp_path / "job.sh"),
    ]  # fmt: skip
    script = batch_script(bench, ctx(tmp_path))
    assert "export MLPERF_SEED=4242\n" in script
    assert "export MLPERF_SUBMISSION_PLATFORM='1x Test CPU'\n" in script
    assert script.endswith(f"exec {sys.executable} -m bench --seed 4242 --out {tmp_path}\n")


def test_the_mlcflow_command_line(tmp_path):
    bench = spec(launcher="mlcflow", mlc_tags="run-mlperf,training,bert", command=[])
    assert LAUNCHERS["mlcflow"].command(bench, ctx(tmp_path)) == [
        "mlc", "run", "script", "--tags=run-mlperf,training,bert", "--quiet",
        "--env.MLPERF_SEED=4242", "--env.MLPERF_SUBMISSION_PLATFORM=1x Test CPU",
        f"--env.MLPERF_RESULTS_DIR={tmp_path}",
    ]  # fmt: skip


def test_the_local_launcher_runs_a_process_in_its_own_group_and_reads_its_lines(tmp_path):
    bench = spec(command=["{python}", "-c", "import os; print(os.getpgid(0) == os.getpid()); "
                          "print(os.environ['MLPERF_SEED']); print('x' * 70000)"])  # fmt: skip
    handle = LAUNCHERS["local"].start(bench, ctx(tmp_path))
    assert os.getpgid(handle.pid) == handle.pid != os.getpgid(0)
    code, pieces = drain_pieces(handle)
    assert code == 0 and pieces[:2] == ["True\n", "4242\n"]
    assert max(len(piece) for piece in pieces) <= 64 * 1024  # a huge line comes in pieces
    assert "".join(pieces[2:]) == "x" * 70000 + "\n"


def test_the_service_secrets_do_not_reach_the_benchmark(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://secret")
    bench = spec(command=["{python}", "-c", "import os; print(os.environ.get('DATABASE_URL'))"])
    assert drain(LAUNCHERS["local"].start(bench, ctx(tmp_path)))[1].strip() == "None"


def test_a_launcher_command_that_does_not_exist_is_a_launch_error(tmp_path):
    with pytest.raises(LaunchError, match="'no-such-tool' is not installed"):
        LAUNCHERS["local"].start(spec(command=["no-such-tool"]), ctx(tmp_path))
    with pytest.raises(LaunchError, match="not installed"):
        LAUNCHERS["mlcflow"].start(spec(launcher="mlcflow", mlc_tags="x"), ctx(tmp_path))


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client on this machine")
def test_the_container_launcher_runs_docker_for_real_and_an_engine_failure_is_infrastructure(
    tmp_path, settings
):
    settings.RUNNER_CONTAINER_ENGINE = "docker"
    bench = runnable_get("in-a-container")
    handle = LAUNCHERS["container"].start(bench, ctx(tmp_path))
    code, out = drain(handle, timeout=60)
    if code != 125:
        pytest.skip(f"a docker engine answers here (exit {code}); nothing to classify")
    assert "docker" in handle.infrastructure_error(code)
    assert out  # the client says why (no engine), and the log keeps it


def test_without_a_container_engine_the_container_launcher_says_so(tmp_path, settings):
    settings.RUNNER_CONTAINER_ENGINE = "no-such-engine"
    with pytest.raises(LaunchError, match="no container engine"):
        LAUNCHERS["container"].start(runnable_get("in-a-container"), ctx(tmp_path))


def _tool(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_slurm(tmp_path, monkeypatch):
    """sbatch/squeue/sacct stand-ins that really run the job in the background."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    state = tmp_path / "slurm"
    state.mkdir()
    _tool(bin_dir, "sbatch", f"""
out=$(echo "$3" | sed 's/--output=//; s/%j/77/')
( sh "$5" > "$out" 2>&1; echo $? > {state}/77.exit ) &
echo "$*" > {state}/sbatch.args
echo 77
""")  # fmt: skip
    _tool(bin_dir, "squeue", f"[ -f {state}/77.exit ] || echo RUNNING\n")
    _tool(bin_dir, "sacct", f'c=$(cat {state}/77.exit); '
          'if [ "$c" = 0 ]; then echo "COMPLETED|0:0"; else echo "FAILED|$c:0"; fi\n')  # fmt: skip
    _tool(bin_dir, "scancel", f'echo "$*" >> {state}/scancel.args\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setattr("benchmarks_runner.launchers.slurm.POLL_EVERY_S", 0.1)
    return state


def test_the_slurm_launcher_submits_polls_and_follows_the_output(tmp_path, fake_slurm):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    bench = spec(launcher="slurm", command=["{python}", "-c", "print('epoch 1'); print('done')"])
    handle = LAUNCHERS["slurm"].start(bench, ctx(run_dir))
    assert isinstance(handle, SlurmHandle) and handle.job_id == "77"
    code, out = drain(handle)
    assert (code, out.split()) == (0, ["epoch", "1", "done"])
    handle.terminate()
    assert (fake_slurm / "scancel.args").read_text().split() == ["--signal", "TERM", "--full", "77"]


def test_a_refused_sbatch_is_a_launch_error(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _tool(bin_dir, "sbatch", 'echo "sbatch: error: invalid partition" >&2; exit 1\n')
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    with pytest.raises(LaunchError, match="invalid partition"):
        LAUNCHERS["slurm"].start(spec(launcher="slurm"), ctx(tmp_path))
