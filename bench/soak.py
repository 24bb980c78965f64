"""Soak: ``make run`` for a long while with an upload every few seconds and beat running.

    python bench/soak.py [--minutes 30] [--every 15] [--port N] [--keep DIR]

Starts ``make run`` on the embedded default in a scratch folder, uploads a package through the
REST API every ``--every`` seconds (every fifth one missing a run, so both verdicts
occur), polls /healthz every five seconds, and at the end reports: uploads stored,
verdicts (each upload must have exactly one), upload-to-verdict times, /healthz answers, and
each supervised component's restarts (there must be none). Exit status 1 if any check fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    MakeRun,
    django_setup,
    http_upload,
    open_round,
    package_bytes,
    submitter_token,
    verdict_counts,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=15)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="scratch folder to keep")
    args = parser.parse_args()
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="soak-"))
    service = MakeRun(scratch / "var", port=args.port)
    try:
        service.wait_healthy()
        failures = soak(service, scratch, args)
    finally:
        service.stop()
    restarts = [line for line in service.log_lines() if "serve | " in line and "restarting" in line]
    print(f"supervisor restart lines: {len(restarts)}")
    for line in restarts:
        print("  " + line)
    print(f"log: {service.log_path}")
    sys.exit(1 if failures or restarts else 0)


def soak(service: MakeRun, scratch: Path, args: argparse.Namespace) -> list[str]:
    django_setup()
    from submissions.models import SubmissionVersion

    round_ = open_round()
    org, token = submitter_token("Soak")
    url = f"{service.url}api/rounds/{round_.name}/submissions/{org.slug}/versions"
    health: list[tuple[float, int]] = []
    stop = threading.Event()
    threading.Thread(target=_poll_health, args=(service, health, stop), daemon=True).start()

    started = time.monotonic()
    uploads: list[tuple[int, int]] = []  # (status, number)
    index = 0
    while time.monotonic() - started < args.minutes * 60:
        due = started + index * args.every
        time.sleep(max(0.0, due - time.monotonic()))
        archive = package_bytes(scratch, "Soak", broken=index % 5 == 4)
        status, body = http_upload(url, token, archive)
        uploads.append((status, body.get("number", -1)))
        index += 1
        if index % 20 == 0:
            print(f"{(time.monotonic() - started) / 60:5.1f} min: {index} uploads", flush=True)
    numbers = [n for status, n in uploads if status == 201]
    versions = SubmissionVersion.objects.filter(submission__organization=org, number__in=numbers)
    pks = list(versions.values_list("pk", flat=True))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if all(v.is_final for v in SubmissionVersion.objects.filter(pk__in=pks)):
            break
        time.sleep(2)
    stop.set()
    components = service.status()
    return report(uploads, pks, health, components, args)


def _poll_health(service: MakeRun, health: list, stop: threading.Event) -> None:
    while not stop.wait(5):
        try:
            with urllib.request.urlopen(service.url + "healthz", timeout=10) as response:
                health.append((time.time(), response.status))
        except urllib.error.HTTPError as exc:
            health.append((time.time(), exc.code))
        except OSError:
            health.append((time.time(), 0))


def report(uploads, pks, health, components, args) -> list[str]:  # type: ignore[no-untyped-def]
    from submissions.models import SubmissionVersion

    failures = []
    versions = list(SubmissionVersion.objects.filter(pk__in=pks).select_related("report"))
    by_status: dict[str, int] = {}
    for v in versions:
        by_status[v.status] = by_status.get(v.status, 0) + 1
    counts = verdict_counts(pks)
    latencies = [
        (v.report.finished_at - v.received_at).total_seconds()
        for v in versions
        if hasattr(v, "report") and v.report.finished_at
    ]
    stored = sum(1 for status, _ in uploads if status == 201)
    bad_health = [code for _, code in health if code != 200]
    print(f"\nsoak: {args.minutes:g} min, one upload every {args.every:g} s")
    print(f"uploads sent: {len(uploads)}, stored (201): {stored}")
    print(f"verdicts: {json.dumps(by_status, sort_keys=True)}")
    print(
        f"versions with exactly one verdict: {sum(1 for n in counts.values() if n == 1)} of {len(pks)}"
    )
    if latencies:
        latencies.sort()
        print(
            f"upload to verdict: median {statistics.median(latencies):.2f} s, p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, max {latencies[-1]:.2f} s"
        )
    print(f"/healthz polls: {len(health)}, not 200: {len(bad_health)} {sorted(set(bad_health))}")
    print(
        "components: "
        + ", ".join(f"{n} {c['state']} ({c['restarts']} restarts)" for n, c in components.items())
    )
    if stored != len(uploads):
        failures.append("some uploads were not stored")
    if any(n != 1 for n in counts.values()):
        failures.append("some uploads do not have exactly one verdict")
    if any(c["restarts"] for c in components.values()):
        failures.append("a component was restarted")
    if bad_health:
        failures.append("/healthz was not 200 at times")
    print("RESULT: " + ("ok" if not failures else "; ".join(failures)))
    return failures


if __name__ == "__main__":
    main()
