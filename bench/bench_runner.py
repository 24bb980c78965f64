"""The runner against running the benchmark directly, in one run.

    python bench/bench_runner.py [--pairs N] [--latency-samples N] [--benchmark sine_rnn]

1. Overhead: the reference benchmark's time to train (run_stop - run_start, as scored) when a
   runner runs it (launcher, output read line by line, progress stored every second, log
   validated) against the same benchmark started directly as a plain subprocess, with the same
   seed, alternating pairs so that drift of the machine hits both sides alike.
   On a busy shared machine wall-clock noise hides a 2 % difference, so the bench also
   reports the CPU time the runner process itself spends per run (claim, reading the output,
   progress reports, validation) against the CPU time of the benchmark: the most the runner
   can take from a benchmark sharing its core.
2. Queued -> process started with an idle runner: from the moment the run is queued (the
   service call that commits and sends the message) to the moment the runner has started the
   benchmark process (the attempt's started_at), on the broker of CELERY_BROKER_URL.

Uses a scratch SQLite database under a temporary folder (or DATABASE_URL) and the broker of
CELERY_BROKER_URL (without it, an embedded Redis server the bench starts in that folder); one
real runner process (``manage.py runner``), started before the clock starts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--latency-samples", type=int, default=20)
    parser.add_argument("--benchmark", default="sine_rnn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-runner-") as tmp:
        run(Path(tmp), args)


def _environment(tmp: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "VAR_DIR": str(tmp / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
        "RUNNER_BENCHMARKS_FILE": str(REPO / "bench" / "runner_benchmarks.yaml"),
        "RUNNER_WORK_DIR": str(tmp / "work"),
    }
    if env.get("CELERY_BROKER_URL", "").startswith("redis"):
        env["CELERY_BROKER_PREFIX"] = f"bench-runner-{uuid.uuid4().hex[:8]}:"
    os.environ.update(env)
    return env


def run(tmp: Path, args: argparse.Namespace) -> None:
    env = _environment(tmp)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", password="x")
    with contextlib.ExitStack() as stack:
        if settings.EMBEDDED_BROKER_DIR is not None:
            from core.embedded_broker import EmbeddedBroker, stop_process

            broker = EmbeddedBroker(settings.EMBEDDED_BROKER_DIR)
            stack.enter_context(broker.ownership(wait=10))
            stack.callback(stop_process, broker.start(output=subprocess.DEVNULL))
        _measure(env, user, args)


def _measure(env: dict[str, str], user, args: argparse.Namespace) -> None:
    from django.conf import settings

    runner = subprocess.Popen(
        [sys.executable, "manage.py", "runner", "--name", "bench-cpu", "--class", "cpu",
         "--loglevel", "WARNING"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_online("bench-cpu")
        broker = settings.CELERY_BROKER_URL.split("://")[0]
        print(f"broker: {broker}; database: {settings.DATABASES['default']['ENGINE']}")
        overhead(user, args, runner.pid)
        latency(user, args)
    finally:
        runner.terminate()
        runner.wait(timeout=60)


def _wait_online(name: str) -> None:
    from benchmarks_runner import selectors

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(r.host.name == name and r.state == "online" for r in selectors.host_rows()):
            return
        time.sleep(0.2)
    sys.exit("the runner did not come online")


def _final(run_id: int, timeout: float = 600):
    from benchmarks_runner.models import Run

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = Run.objects.get(pk=run_id)
        if run.is_final:
            return run
        time.sleep(0.25)
    sys.exit(f"run {run_id} did not finish")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _direct(slug: str, seed: int) -> float:
    from benchmarks_runner.catalogue import project_rulesets
    from submissions.checker import check_log

    # In a session of its own, as the runner starts it: with the kernel's autogroup scheduling
    # a new session gets its own share of a busy machine's CPUs, which would otherwise make
    # the runner look faster than running directly.
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks_runner.references.{slug}", "--seed", str(seed)],
        cwd=REPO, capture_output=True, check=True, start_new_session=True,
    )  # fmt: skip
    rules = project_rulesets()["reference_1.0.0"]
    result = check_log(done.stdout, ruleset=rules.name, relpath="direct.txt", rules=rules)
    assert result.compliant, [f.message for f in result.findings]
    return result.time_to_train_minutes * 60


def _through_service(user, slug: str, seed: int) -> float:
    from benchmarks_runner.models import Run
    from benchmarks_runner.services.runs import run_enqueue

    # Pinned, so that both sides train through the same number of epochs.
    run = run_enqueue(actor=user, benchmark=slug, seed=seed)[0]
    run = _final(run.pk)
    assert run.compliant, run.error
    assert Run.objects.get(pk=run.pk).seed == seed
    return run.time_to_train_minutes * 60


def overhead(user, args: argparse.Namespace, runner_pid: int) -> None:
    ratios, direct_s, service_s = [], [], []
    runner_cpu = benchmark_cpu = 0.0

    def direct(seed: int) -> float:
        nonlocal benchmark_cpu
        before = _children_cpu()
        seconds = _direct(args.benchmark, seed)
        benchmark_cpu += _children_cpu() - before
        return seconds

    def service(seed: int) -> float:
        nonlocal runner_cpu
        before = _cpu_seconds(runner_pid)
        seconds = _through_service(user, args.benchmark, seed)
        runner_cpu += _cpu_seconds(runner_pid) - before
        return seconds

    for pair in range(args.pairs):
        seed = 1000 + pair
        # Alternate which side goes first so drift of the machine hits both alike.
        if pair % 2:
            s, d = service(seed), direct(seed)
        else:
            d, s = direct(seed), service(seed)
        direct_s.append(d)
        service_s.append(s)
        ratios.append(s / d)
        print(
            f"  pair {pair + 1}: direct {d:.3f} s, through the runner {s:.3f} s, ratio {s / d:.4f}"
        )
    total = sum(service_s) / sum(direct_s)
    print(
        f"overhead ({args.benchmark}, time to train, {args.pairs} pairs): "
        f"median ratio {statistics.median(ratios):.4f}, total ratio {total:.4f} "
        f"({(total - 1) * 100:+.2f} %; target below +2 %)"
    )
    print(
        f"runner CPU per run {runner_cpu / args.pairs:.3f} s against the benchmark's "
        f"{benchmark_cpu / args.pairs:.3f} s: {runner_cpu / benchmark_cpu * 100:.2f} % "
        "(the most the runner can take from a benchmark on its core)"
    )


def latency(user, args: argparse.Namespace) -> None:
    from benchmarks_runner.models import RunAttempt
    from benchmarks_runner.services.runs import run_enqueue

    samples = []
    for _ in range(args.latency_samples):
        queued = time.time()
        run = run_enqueue(actor=user, benchmark="instant", max_attempts=1)[0]
        _final(run.pk)
        started = RunAttempt.objects.get(run=run).started_at.timestamp()
        samples.append(started - queued)
    samples.sort()
    print(
        f"queued -> process started, idle runner ({len(samples)} runs): "
        f"median {statistics.median(samples) * 1000:.0f} ms, "
        f"p90 {samples[int(len(samples) * 0.9) - 1] * 1000:.0f} ms, "
        f"max {samples[-1] * 1000:.0f} ms (target below 1000 ms)"
    )


if __name__ == "__main__":
    main()
