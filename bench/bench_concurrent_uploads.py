"""40 simultaneous uploads from 4 organisations against ``make run``.

    python bench/bench_concurrent_uploads.py [--orgs 4] [--per-org 10] [--port N]

Starts ``make run`` on the embedded default in a scratch folder, releases all uploads at once
(one thread each, through the REST API over HTTP) and reports: how many were stored, whether
each organisation's version numbers are gap-free, the time until every upload was answered and
until every version had its verdict, and whether each has exactly one verdict. Exit status 1 if
any of that fails. The baseline in the same run is one upload on its own, start to verdict.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
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

NAMES = ["Acme", "Bolt", "Cirrus", "Delta", "Ember", "Flux", "Gale", "Helix"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=4)
    parser.add_argument("--per-org", type=int, default=10)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    service = MakeRun(scratch / "var", port=args.port)
    try:
        service.wait_healthy()
        ok = run(service, scratch, args)
    finally:
        service.stop()
    sys.exit(0 if ok else 1)


def _wait_final(pks: list[int], timeout: float = 900) -> float:
    from submissions.models import SubmissionVersion

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if all(v.is_final for v in SubmissionVersion.objects.filter(pk__in=pks)):
            break
        time.sleep(0.2)
    return time.perf_counter() - started


def run(service: MakeRun, scratch: Path, args: argparse.Namespace) -> bool:
    django_setup()
    from submissions.models import SubmissionVersion

    round_ = open_round()
    orgs = [submitter_token(name) for name in NAMES[: args.orgs]]
    archives = {org.slug: package_bytes(scratch, org.name) for org, _ in orgs}
    url = f"{service.url}api/rounds/{round_.name}/submissions/{{}}/versions"

    # Baseline: one upload alone, to its verdict.
    first, token = orgs[0]
    started = time.perf_counter()
    _status, body = http_upload(url.format(first.slug), token, archives[first.slug])
    single = SubmissionVersion.objects.get(submission__organization=first, number=body["number"])
    alone = time.perf_counter() - started + _wait_final([single.pk])

    total = args.orgs * args.per_org
    barrier = threading.Barrier(total)
    answers: list[tuple[str, int, int]] = []

    def upload(slug: str, token: str) -> None:
        barrier.wait()
        status, body = http_upload(url.format(slug), token, archives[slug])
        answers.append((slug, status, body.get("number", -1)))

    threads = [
        threading.Thread(target=upload, args=(org.slug, token))
        for org, token in orgs
        for _ in range(args.per_org)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answered = time.perf_counter() - started
    stored = [a for a in answers if a[1] == 201]
    pks = list(
        SubmissionVersion.objects.filter(submission__round=round_)
        .exclude(pk=single.pk)
        .values_list("pk", flat=True)
    )
    verdicts = answered + _wait_final(pks)
    counts = verdict_counts(pks)
    gap_free = all(
        sorted(
            SubmissionVersion.objects.filter(submission__organization=org).values_list(
                "number", flat=True
            )
        )
        == list(range(1, args.per_org + 1 + (org.pk == first.pk)))
        for org, _ in orgs
    )
    statuses = sorted({v.status for v in SubmissionVersion.objects.filter(pk__in=pks)})
    print(f"{total} simultaneous uploads from {args.orgs} organisations against make run")
    print(f"one upload alone, to its verdict: {alone:.2f} s")
    print(
        f"stored: {len(stored)} of {total} (other answers: {[a[1] for a in answers if a[1] != 201]})"
    )
    print(f"version numbers gap-free per organisation: {gap_free}")
    print(f"all answered after {answered:.2f} s; all verdicts after {verdicts:.2f} s ({statuses})")
    print(f"exactly one verdict each: {sum(1 for n in counts.values() if n == 1)} of {len(pks)}")
    components = service.status()
    print(
        "components: " + ", ".join(f"{n} ({c['restarts']} restarts)" for n, c in components.items())
    )
    ok = len(stored) == total and gap_free and all(n == 1 for n in counts.values())
    print("RESULT: " + ("ok" if ok else "FAILED"))
    return ok


if __name__ == "__main__":
    main()
