"""End to end through the service: upload a package, let a Celery worker validate it, wait for
the verdict — against the official package checker on the same package, in one run.

    python bench/bench_service.py [--corpus DIR] [--replicas N] [--concurrency N]

Runs on a scratch database and broker (SQLite and the embedded Redis server under a temporary
folder) with one real worker process, so the time includes intake, safe unpacking, the
database, the broker and the per-benchmark fan-out. The worker is started (and has
imported the checkers) before the clock starts, as in a running service.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_validator import ROUND, _default_corpus, official, replicate  # noqa: E402


def _tar(org_dir: Path) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(org_dir, arcname=org_dir.name)
    buffer.seek(0)
    return buffer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=_default_corpus())
    parser.add_argument("--replicas", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    corpus_round = args.corpus / ROUND
    if not corpus_round.is_dir():
        sys.exit(f"no corpus at {corpus_round} (use --corpus or MLPERF_CORPUS_DIR)")
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        run(Path(tmp), corpus_round, args)


def run(tmp: Path, corpus_round: Path, args: argparse.Namespace) -> None:
    env = {
        **os.environ,
        "VAR_DIR": str(tmp / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    os.environ.update(env)
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from core.embedded_broker import EmbeddedBroker, ensure_running

    ensure_running(EmbeddedBroker(settings.EMBEDDED_BROKER_DIR))  # stopped at exit
    call_command("migrate", verbosity=0)
    call_command("load_catalogue", stdout=io.StringIO())
    actor, org, round_ = _fixtures()

    big = replicate(corpus_round, tmp / "big", args.replicas)
    official_s, _ = official(big, tmp / "official")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "-Q", "validate",
         "-c", str(args.concurrency), "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(8)  # the worker imports Django and the checkers once, before the clock starts
        first_s, first = _submit(actor, org, round_, _tar(big))
        changed = next(iter(sorted(big.glob("results/*/*/result_*.txt"))))
        with changed.open("a") as stream:
            stream.write("launcher: run finished\n")
        again_s, again = _submit(actor, org, round_, _tar(big))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    if not hasattr(first, "report"):
        sys.exit(f"no report: {first.status} {first.rejection}")
    logs = first.report.logs_checked
    print(
        f"package: {logs} logs in {first.report.benchmark_checks.count()} benchmark folders, "
        f"worker concurrency {args.concurrency}"
    )
    print(f"official package checker:                {official_s:7.2f} s")
    print(
        f"service, upload to verdict ({first.status}):      {first_s:7.2f} s  "
        f"ratio {first_s / official_s:.3f} (target <= 0.2)"
    )
    print(
        f"service, one log changed ({again.report.logs_reused} reused): {again_s:7.2f} s  "
        f"ratio {again_s / official_s:.3f} (target <= 0.05)"
    )
    for label, version in (("first", first), ("again", again)):
        print(f"  {label}: " + _phases(version))


def _phases(version) -> str:  # type: ignore[no-untyped-def]
    """Where the time went, from the timestamps the pipeline writes."""
    report = version.report
    checks = list(report.benchmark_checks.order_by("claimed_at"))
    start = version.received_at
    seconds = lambda t: (t - start).total_seconds()  # noqa: E731
    return (
        f"unpacked and planned {seconds(report.started_at):.2f} s, first check claimed "
        f"{seconds(checks[0].claimed_at):.2f} s, last check done {seconds(max(c.finished_at for c in checks)):.2f} s, "
        f"verdict stored {seconds(report.finished_at):.2f} s"
    )


def _fixtures():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from roadmap.models import Round
    from submissions.models import SubmissionWindow
    from wg.models import Organization, Person, RoleAssignment

    actor = get_user_model().objects.create_user("bench")
    org = Organization.objects.create(name="Replicated", slug="replicated")
    # The replicated systems keep their submitters' names; as affiliates they pass intake.
    for name in ("AMD", "Lenovo", "NVIDIA"):
        Organization.objects.create(name=name, slug=name.lower(), parent=org)
    person = Person.objects.create(user=actor, slug="bench", full_name="Bench")
    RoleAssignment.objects.create(
        person=person, role="submitter", organization=org, start=timezone.localdate()
    )
    round_ = Round.objects.get(name="v5.1")
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=1),
        review_ends_at=now + timedelta(days=9),
    )
    return actor, org, Round.objects.get(pk=round_.pk)


def _submit(actor, org, round_, stream):  # type: ignore[no-untyped-def]
    from submissions.models import SubmissionVersion
    from submissions.services.intake import version_upload

    started = time.perf_counter()
    version = version_upload(
        actor=actor, round=round_, organization=org, stream=stream, original_name="big.tar.gz"
    )
    while True:
        version = SubmissionVersion.objects.get(pk=version.pk)
        if version.is_final:
            return time.perf_counter() - started, version
        if time.perf_counter() - started > 600:
            sys.exit("no verdict after 10 minutes")
        time.sleep(0.02)


if __name__ == "__main__":
    main()
