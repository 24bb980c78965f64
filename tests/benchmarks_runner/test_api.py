"""The runner API: the endpoints of the issue, in the OpenAPI schema, with each role."""

from __future__ import annotations

import pytest

from benchmarks_runner.models import RunArtifact, RunStatus
from benchmarks_runner.services import attempts
from benchmarks_runner.services.attempts import AttemptResult
from tests.benchmarks_runner.conftest import register
from wg.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_messages(monkeypatch):
    monkeypatch.setattr("benchmarks_runner.services.lifecycle.enqueue", lambda *a, **k: None)


def auth(user):
    _, raw = api_token_create(actor=user, user=user, name="ci")
    return {"Authorization": f"Bearer {raw}"}


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/runner/benchmarks", "/api/runner/workers", "/api/runs",
                 "/api/runs/{run_id}", "/api/runs/{run_id}/log", "/api/runs/{run_id}/cancel"):  # fmt: skip
        assert path in paths, path
    assert "post" in paths["/api/runs"] and "post" in paths["/api/runs/{run_id}/cancel"]


def test_a_script_queues_a_run_follows_it_and_reads_its_log(client, member):
    headers = auth(member)
    benchmarks = client.get("/api/runner/benchmarks", headers=headers).json()
    digits = next(b for b in benchmarks if b["slug"] == "digits_mlp")
    assert digits["quality"] == {"metric": "eval_accuracy", "target": 0.97,
                                 "higher_is_better": True, "unit": "accuracy"}  # fmt: skip
    assert "command" not in digits
    created = client.post(
        "/api/runs", {"benchmark": "digits_mlp", "hardware_class": "cpu"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.content
    run_id = created.json()["id"]
    assert created.json()["status"] == "queued"
    assert created.json()["queue_warning"] == "No online runner of class cpu."

    identity = register()
    attempts.run_claim(run_id=run_id, host_name="cpu-1", session=identity.session, seed=3)
    attempts.run_start(run_id=run_id, session=identity.session, attempt=1, launcher="local",
                       command=[])  # fmt: skip
    attempts.run_progress(
        run_id=run_id, session=identity.session, attempt=1, log_tail=":::MLLOG partial",
        progress={"phase": "running", "epoch": 2, "accuracy": 0.9, "curve": [[1, 0.8, 0.1]]},
    )  # fmt: skip
    running = client.get(f"/api/runs/{run_id}", headers=headers).json()
    assert running["status"] == "running" and running["progress"]["epoch"] == 2
    assert running["attempts"][0]["host"] == "cpu-1" and running["seed"] == 3
    partial = client.get(f"/api/runs/{run_id}/log", headers=headers)
    assert partial["X-Run-Log"] == "partial" and partial.content == b":::MLLOG partial"

    attempts.run_finish(
        run_id=run_id, session=identity.session, attempt=1,
        result=AttemptResult(status=RunStatus.SUCCEEDED, log=b":::MLLOG whole", compliant=True,
                             validation={"findings": []}, time_to_train_minutes=0.05),
    )  # fmt: skip
    done = client.get(f"/api/runs/{run_id}", headers=headers).json()
    assert done["time_to_train_minutes"] == 0.05
    assert done["validation"] == {"ruleset": "reference_1.0.0", "compliant": True, "findings": []}
    log = client.get(f"/api/runs/{run_id}/log", headers=headers)
    assert log["X-Run-Log"] == "complete" and log.content == b":::MLLOG whole"
    assert RunArtifact.objects.count() == 1


def test_a_script_cancels_its_run(client, member):
    headers = auth(member)
    run_id = client.post("/api/runs", {"benchmark": "sine_rnn"}, content_type="application/json",
                         headers=headers).json()["id"]  # fmt: skip
    cancelled = client.post(f"/api/runs/{run_id}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/runs/{run_id}/cancel", headers=headers)
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]


def test_bad_requests_get_clear_errors(client, member):
    headers = auth(member)
    unknown = client.post("/api/runs", {"benchmark": "resnet"}, content_type="application/json",
                          headers=headers)  # fmt: skip
    assert unknown.status_code == 400 and "not a runnable benchmark" in unknown.json()["detail"]
    missing = client.get("/api/runs/999", headers=headers)
    assert missing.status_code == 404


def test_workers_are_listed_with_state_and_fingerprint_and_chairs_pause_them(client, member, chair):
    register("cpu-1")
    workers = client.get("/api/runner/workers", headers=auth(member)).json()
    assert workers[0]["name"] == "cpu-1" and workers[0]["state"] == "online"
    assert len(workers[0]["fingerprint"]) == 64
    refused = client.post("/api/runner/workers/cpu-1/mode", {"mode": "paused"},
                          content_type="application/json", headers=auth(member))  # fmt: skip
    assert refused.status_code == 403
    paused = client.post("/api/runner/workers/cpu-1/mode", {"mode": "paused"},
                         content_type="application/json", headers=auth(chair))  # fmt: skip
    assert paused.status_code == 200 and paused.json()["state"] == "paused"


@pytest.mark.parametrize("path", ["/api/runner/benchmarks", "/api/runner/workers", "/api/runs"])
def test_anonymous_callers_and_outsiders_are_refused(client, outsider, observer, path):
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get(path, headers=auth(outsider)).status_code == 403
    assert client.get(path, headers=auth(observer)).status_code == 403
    assert client.post("/api/runs", {"benchmark": "digits_mlp"}, content_type="application/json",
                       headers=auth(outsider)).status_code == 403  # fmt: skip


def test_listing_runs_does_not_query_per_run(client, member, django_assert_max_num_queries):
    headers = auth(member)
    identity = register()
    for _ in range(6):
        run_id = client.post("/api/runs", {"benchmark": "digits_mlp", "hardware_class": "gpu"},
                             content_type="application/json", headers=headers).json()["id"]  # fmt: skip
        attempts.run_claim(run_id=run_id, host_name="cpu-1", session=identity.session, seed=1)
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/runs", headers=headers).json()) == 6
