"""The REST API: token uploads, reports, objections and publication, with the services' rules."""

import pytest

from submissions.models import SubmissionVersion
from tests.submissions.conftest import close_window
from tests.submissions.packages import generated_org, tar_gz
from wg.services import api_token_create

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _auth(user):
    _, raw = api_token_create(actor=user, user=user, name="ci")
    return {"Authorization": f"Bearer {raw}"}


def _upload(client, user, tmp, org="acme", org_name="Acme"):
    return client.post(
        f"/api/rounds/v5.1/submissions/{org}/versions",
        {"package": tar_gz(generated_org(tmp, org=org_name))},
        headers=_auth(user),
    )


def test_a_script_uploads_with_a_token_and_reads_the_report(
    client, round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, acme_submitter, tmp_path)
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 1
    detail = client.get(
        "/api/rounds/v5.1/submissions/acme/versions/1", headers=_auth(acme_submitter)
    ).json()
    assert detail["status"] == "valid" and detail["progress"]["final"] is True
    report = detail["report"]
    assert set(report) >= {"ok", "ruleset", "results", "package_findings", "scores"}
    assert report["scores"][0]["benchmark"] == "llama2_70b_lora"


def test_api_refusals_are_clear_errors(
    client, round_open, acme, acme_submitter, amd_submitter, tmp_path
):
    other = _upload(client, amd_submitter, tmp_path / "a")
    assert other.status_code == 403 and "not a submitter for Acme" in other.json()["detail"]
    close_window(round_open)
    late = _upload(client, acme_submitter, tmp_path / "b")
    assert late.status_code == 400 and "deadline has passed" in late.json()["detail"]
    missing = client.post(
        "/api/rounds/v5.1/submissions/acme/versions", {}, headers=_auth(acme_submitter)
    )
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["file", "package"]
    assert not SubmissionVersion.objects.exists()


def test_an_api_upload_over_the_cap_is_413(
    client, round_open, acme, acme_submitter, tmp_path, settings
):
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 2048
    response = _upload(client, acme_submitter, tmp_path)
    assert response.status_code == 413 and "2,048 bytes" in response.json()["detail"]
    assert not SubmissionVersion.objects.exists()


def test_writes_need_credentials(client, round_open, acme, tmp_path):
    assert client.post("/api/rounds/v5.1/submissions/acme/versions", {}).status_code == 401
    assert client.post("/api/rounds/v5.1/publish").status_code == 401


def test_session_writes_need_the_csrf_token(round_open, acme, acme_submitter, tmp_path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(acme_submitter)
    response = strict.post(
        "/api/rounds/v5.1/submissions/acme/versions", {"package": tar_gz(generated_org(tmp_path))}
    )
    assert response.status_code == 403


def test_objections_decisions_and_publication_through_the_api(
    client, submitted, amd_submitter, chair
):
    close_window(submitted)
    filed = client.post(
        "/api/rounds/v5.1/objections",
        {"against": "acme", "text": "Seeds repeat"},
        content_type="application/json",
        headers=_auth(amd_submitter),
    )
    assert filed.status_code == 201
    pk = filed.json()["id"]
    early = client.post(
        "/api/rounds/v5.1/publish",
        {"confirm": "v5.1"},
        content_type="application/json",
        headers=_auth(chair),
    )
    assert early.status_code == 400 and "objection is open" in early.json()["detail"]
    refused = client.post(
        f"/api/rounds/v5.1/objections/{pk}/decision",
        {"status": "upheld", "decision": "x"},
        content_type="application/json",
        headers=_auth(amd_submitter),
    )
    assert refused.status_code == 403
    decided = client.post(
        f"/api/rounds/v5.1/objections/{pk}/decision",
        {"status": "dismissed", "decision": "ok"},
        content_type="application/json",
        headers=_auth(chair),
    )
    assert decided.json()["status"] == "dismissed"
    publish = {"data": {"confirm": "v5.1"}, "content_type": "application/json"}
    assert client.post("/api/rounds/v5.1/publish", **publish, headers=_auth(chair)).json() == {
        "round": "v5.1",
        "results": 2,
    }
    again = client.post("/api/rounds/v5.1/publish", **publish, headers=_auth(chair))
    assert again.status_code == 409
    public = client.get("/api/results/v5.1").json()
    assert {r["organization"] for r in public["results"]} == {"Acme", "AMD"}


def test_a_revoked_token_or_inactive_user_is_refused(client, round_open, acme_submitter):
    from wg.models import ApiToken
    from wg.services import api_token_revoke

    headers = _auth(acme_submitter)
    assert client.get(
        "/api/rounds/v5.1/submissions/acme/versions", headers=headers
    ).status_code in (200, 404)
    api_token_revoke(actor=acme_submitter, token=ApiToken.objects.get())
    assert (
        client.get("/api/rounds/v5.1/submissions/acme/versions", headers=headers).status_code == 401
    )
    headers = _auth(acme_submitter)
    acme_submitter.is_active = False
    acme_submitter.save()
    assert (
        client.get("/api/rounds/v5.1/submissions/acme/versions", headers=headers).status_code == 401
    )


def test_the_openapi_schema_describes_the_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/rounds/{name}/submissions/{org}/versions" in paths
    assert "/api/results/{name}" in paths
