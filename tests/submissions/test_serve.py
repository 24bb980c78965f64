"""The service as ``make run`` starts it (``manage.py serve``: broker, gunicorn, worker, beat),
driven over HTTP: a killed worker comes back by itself, and 40 simultaneous uploads are all
stored and validated.

On the embedded default serve runs its own embedded Redis in a scratch folder; with
CELERY_BROKER_URL set it uses that Redis (with this run's key prefix), as in production.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import close_old_connections
from django.db.models import Count

from core.models import AuditEvent
from submissions.models import SubmissionVersion
from tests.factories import OrganizationFactory, person_with_role
from tests.serving import Served, http_upload, start_serve
from tests.submissions.packages import generated_org, tar_gz
from tests.workers import process_env, wait_for
from wg.models import Role
from wg.services import api_token_create

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINAL = ("valid", "invalid", "rejected", "failed")


@pytest.fixture
def served(tmp_path, submissions_root, settings) -> Iterator[Served]:
    env = process_env(
        {
            "SUBMISSIONS_ROOT": str(submissions_root),
            "REAPER_INTERVAL_SECONDS": "2",
            "REAPER_STALL_SECONDS": "6",
            "WORK_HEARTBEAT_SECONDS": "1",
        }
    )
    if settings.EMBEDDED_BROKER_DIR is not None:
        env.pop("CELERY_BROKER_URL")  # serve starts and supervises its own embedded Redis
        env["CELERY_EMBEDDED_BROKER_DIR"] = str(tmp_path / "var" / "broker")
    service = start_serve(env, tmp_path / "var")
    try:
        yield service
    finally:
        service.stop()


def _token_for(org, username: str) -> str:
    user = person_with_role(Role.SUBMITTER, org, username=username).user
    return api_token_create(actor=user, user=user, name="test")[1]


def _versions_url(served: Served, round_name: str, slug: str) -> str:
    return f"{served.url}api/rounds/{round_name}/submissions/{slug}/versions"


def _verdicts(pks: list[int]) -> dict[int, str]:
    close_old_connections()
    rows = SubmissionVersion.objects.filter(pk__in=pks, status__in=FINAL)
    return dict(rows.values_list("pk", "status"))


def test_serve_restarts_a_killed_worker_and_a_queued_validation_completes(
    served, round_open, acme, tmp_path
):
    token = _token_for(acme, "acme-api")
    killed = served.kill_component("worker")
    archive = tar_gz(generated_org(tmp_path)).getvalue()
    status, body = http_upload(_versions_url(served, round_open.name, acme.slug), token, archive)
    assert status == 201, body
    pk = SubmissionVersion.objects.get(submission__organization=acme, number=body["number"]).pk
    verdict = wait_for(
        lambda: _verdicts([pk]).get(pk),
        timeout=120,
        interval=0.5,
        message="the queued version's verdict",
        logs=[served.process],
    )
    assert verdict == "valid"
    worker = served.status()["worker"]
    assert worker["state"] == "running" and worker["restarts"] >= 1 and worker["pid"] != killed
    assert any("worker killed by SIGKILL" in line for line in served.process.log)
    _, health = wait_for(
        lambda: (h := served.healthz())[0] == 200 and h, timeout=60, message="healthy again"
    )
    assert health["components"]["worker"]["restarts"] >= 1
    assert health["components"]["web"]["restarts"] == 0


def test_forty_concurrent_uploads_from_four_organisations_are_stored_with_one_verdict_each(
    served, round_open, tmp_path
):
    orgs = [
        OrganizationFactory(name=name, slug=name.lower())
        for name in ("Acme", "Bolt", "Cirrus", "Delta")
    ]
    tokens = {org.slug: _token_for(org, f"{org.slug}-api") for org in orgs}
    archives = {
        org.slug: tar_gz(generated_org(tmp_path / org.slug, org=org.name)).getvalue()
        for org in orgs
    }
    start = threading.Barrier(40)
    answers: list[tuple[str, int, dict]] = []

    def upload(slug: str) -> None:
        start.wait()
        status, body = http_upload(
            _versions_url(served, round_open.name, slug), tokens[slug], archives[slug]
        )
        answers.append((slug, status, body))

    threads = [threading.Thread(target=upload, args=(org.slug,)) for org in orgs for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(status for _, status, _ in answers) == [201] * 40, answers
    for org in orgs:
        numbers = SubmissionVersion.objects.filter(submission__organization=org).values_list(
            "number", flat=True
        )
        assert sorted(numbers) == list(range(1, 11)), org.slug  # stored, and gap-free
    pks = list(SubmissionVersion.objects.values_list("pk", flat=True))
    wait_for(
        lambda: len(_verdicts(pks)) == 40,
        timeout=400,
        interval=1,
        message="40 verdicts",
        logs=[served.process],
    )
    assert set(_verdicts(pks).values()) == {"valid"}
    verdict_events = (
        AuditEvent.objects.filter(
            object_type="submissions.submissionversion",
            action__in=[f"submission.{s}" for s in FINAL],
        )
        .values("object_id")
        .annotate(n=Count("id"))
    )
    assert sorted(row["n"] for row in verdict_events) == [1] * 40


def test_the_worker_log_is_shown_when_a_wait_times_out(tmp_path):
    from tests.workers import Process

    quiet = Process("quiet", ["sh", "-c", "echo hello from the worker; sleep 30"], {}, "never")
    try:
        with pytest.raises(AssertionError, match="hello from the worker"):
            wait_for(lambda: quiet.lines and False, timeout=1, logs=[quiet])
    finally:
        quiet.kill()
