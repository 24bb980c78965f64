"""/healthz in real processes whose database or broker points at a port where nothing listens."""

import json
import os
import subprocess
import sys

import pytest

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


def test_healthz_reports_database_and_broker_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] and body["broker"]["ok"]


@pytest.mark.parametrize("part", ["database", "broker"])
def test_healthz_is_503_and_names_the_part_that_is_down(part, tmp_path):
    # The other part is one that is surely up: a fresh SQLite file, or the filesystem broker.
    up = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://localhost/",
        "CELERY_FILESYSTEM_BROKER_DIR": str(tmp_path / "broker"),
    }
    status, body = _healthz_in_process(**{**up, **DOWN[part]})
    assert status == 503
    assert body["ok"] is False
    assert body[part]["ok"] is False and body[part]["error"]
    other = "broker" if part == "database" else "database"
    assert body[other]["ok"] is True


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200
