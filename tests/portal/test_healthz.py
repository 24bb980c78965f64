"""/healthz: the database, the broker and a live worker for every required queue, checked
against real processes (a worker, and processes whose database or broker is unreachable)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.workers import celery_worker, wait_for

QUEUES = ["control", "validate", "publish"]
DOWN = {
    "database": {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"},
    "broker": {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0"},
}


def _healthz_in_process(**env: str) -> tuple[int, dict]:
    code = (
        "import django, json; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", **env}
    out = subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["status"], result["body"]


def test_healthz_is_503_when_a_required_queue_has_no_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert body["queues"]["validate"] == {"ok": False, "workers": []}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_with_a_worker_that_consumes_every_queue_and_reaches_the_database(client):
    with celery_worker(QUEUES) as worker:
        body = wait_for(
            lambda: (r := client.get("/healthz")).status_code == 200 and r.json(),
            message="a healthy /healthz",
            logs=[worker],
        )
    assert body["ok"] is True
    assert all(body["queues"][q]["ok"] for q in QUEUES)
    (row,) = body["workers"]
    assert row["database_ok"] is True and row["alive"] is True
    assert sorted(row["consuming"]) == sorted(QUEUES)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_cannot_reach_the_database_takes_no_work_and_says_so(client):
    wrong = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"}
    with celery_worker(["validate"], extra_env=wrong) as worker:
        body = wait_for(
            lambda: (r := client.get("/healthz")).json()["workers"] and r.json(),
            message="the worker's status",
            logs=[worker],
        )
        (row,) = body["workers"]
        assert row["database_ok"] is False and row["consuming"] == []
        assert row["database_error"] == "OperationalError"
        assert body["queues"]["validate"] == {"ok": False, "workers": []}
        assert any("stopped taking work from validate" in line for line in worker.log)


@pytest.mark.parametrize("part", ["database", "broker"])
def test_healthz_is_503_and_names_the_part_that_is_down(part, tmp_path):
    # The other part is one that is surely up: a fresh SQLite file, or this run's broker.
    up = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    status, body = _healthz_in_process(**{**up, **DOWN[part]})
    assert status == 503
    assert body["ok"] is False
    assert body[part]["ok"] is False and body[part]["error"]
    other = "broker" if part == "database" else "database"
    assert body[other]["ok"] is True


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code in (200, 503)
    assert "database" in client.get("/healthz").json()
