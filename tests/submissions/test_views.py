"""Page wiring: uploads (form and script), the chairs' page, objection forms."""

from datetime import timedelta

import pytest
from django.utils import timezone

from submissions.models import DeadlineExtension, Objection, SubmissionVersion, SubmissionWindow
from tests.submissions.conftest import close_window
from tests.submissions.packages import generated_org, tar_gz

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _post_package(client, org="acme", tmp=None, **headers):
    package = tar_gz(generated_org(tmp))
    return client.post(f"/rounds/v5.1/upload/{org}/", {"package": package}, **headers)


def test_the_script_upload_answers_with_a_receipt_in_server_time(
    client, round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(acme_submitter)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_package(client, tmp=tmp_path, headers={"Accept": "application/json"})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == 1 and "(server time)" in body["receipt"]
    page = client.get(body["url"]).content.decode()
    assert "Verdict" in page and 'data-testid="score-llama2_70b_lora"' in page


def test_the_form_upload_redirects_to_the_version(
    client, round_open, acme, acme_submitter, tmp_path
):
    client.force_login(acme_submitter)
    response = _post_package(client, tmp=tmp_path)
    assert response.status_code == 302 and response.url.endswith(
        "/rounds/v5.1/submissions/acme/v1/"
    )


def test_a_refused_upload_says_why_and_stores_nothing(
    client, round_open, acme, acme_submitter, tmp_path, settings
):
    client.force_login(acme_submitter)
    close_window(round_open)
    refused = _post_package(client, tmp=tmp_path, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "deadline has passed" in refused.json()["error"]
    assert not SubmissionVersion.objects.exists()


def test_an_upload_over_the_cap_is_dropped_while_it_arrives(
    client, round_open, acme, acme_submitter, tmp_path, settings
):
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 2048
    client.force_login(acme_submitter)
    refused = _post_package(client, tmp=tmp_path, headers={"Accept": "application/json"})
    assert (
        refused.status_code == 400
        and "larger than the limit of 2,048 bytes" in refused.json()["error"]
    )
    assert not SubmissionVersion.objects.exists()


def test_uploading_for_another_organisation_is_refused(
    client, round_open, acme, amd, amd_submitter, tmp_path
):
    client.force_login(amd_submitter)
    refused = _post_package(client, tmp=tmp_path, headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "not a submitter for Acme" in refused.json()["error"]


def test_anonymous_uploads_go_to_the_login_page(client, round_open, acme, tmp_path):
    response = _post_package(client, tmp=tmp_path)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_round_page_shows_the_upload_form_only_to_submitters_in_time(
    client, round_open, acme, acme_submitter, member
):
    client.force_login(member)
    assert 'data-testid="upload-form"' not in client.get("/rounds/v5.1/").content.decode()
    client.force_login(acme_submitter)
    assert 'data-testid="upload-form"' in client.get("/rounds/v5.1/").content.decode()
    close_window(round_open)
    assert 'data-testid="upload-form"' not in client.get("/rounds/v5.1/").content.decode()


def test_the_chairs_page_is_for_chairs(client, round_open, chair, member, acme_submitter):
    for user in (member, acme_submitter):
        client.force_login(user)
        assert client.get("/rounds/v5.1/manage/").status_code == 404
        assert client.post("/rounds/v5.1/manage/", {"save_window": "1"}).status_code == 404
    client.force_login(chair)
    assert client.get("/rounds/v5.1/manage/").status_code == 200


def test_a_chair_enters_the_window_in_pacific_time(client, round_open, chair):
    client.force_login(chair)
    response = client.post(
        "/rounds/v5.1/manage/",
        {
            "save_window": "1",
            "opens_at": "2026-09-01T09:00",
            "deadline": "2026-10-16T13:00",
            "grace_minutes": "60",
            "review_ends_at": "2026-11-06T17:00",
        },
    )
    assert response.status_code == 302
    deadline = SubmissionWindow.objects.get(round=round_open).deadline
    assert deadline.isoformat() == "2026-10-16T20:00:00+00:00"  # 13:00 PDT


def test_a_chair_grants_an_extension_from_the_page(client, round_open, chair, acme):
    client.force_login(chair)
    until = (round_open.window.deadline + timedelta(hours=24)).astimezone(
        timezone.get_fixed_timezone(-480)
    )
    response = client.post(
        "/rounds/v5.1/manage/",
        {
            "grant_extension": "1",
            "organization": "acme",
            "until": until.strftime("%Y-%m-%dT%H:%M"),
            "reason": "Flooded machine room",
        },
    )
    assert response.status_code == 302
    assert DeadlineExtension.objects.get(organization=acme).reason == "Flooded machine room"


def test_objections_through_the_pages(client, submitted, acme, amd, amd_submitter, chair):
    close_window(submitted)
    client.force_login(amd_submitter)
    client.post(
        "/rounds/v5.1/objections/",
        {"against": "acme", "text": "Runs look too fast", "path": "results/acme_box"},
    )
    objection = Objection.objects.get()
    assert (objection.filed_by, objection.against) == (amd, acme)
    client.post(
        f"/rounds/v5.1/objections/{objection.pk}/decide/", {"status": "upheld", "decision": "x"}
    )
    objection.refresh_from_db()
    assert objection.status == "open"  # a submitter cannot decide
    client.force_login(chair)
    client.post(
        f"/rounds/v5.1/objections/{objection.pk}/decide/",
        {"status": "dismissed", "decision": "Within RCP"},
    )
    objection.refresh_from_db()
    assert (objection.status, objection.decision) == ("dismissed", "Within RCP")


def test_the_admin_lists_submission_records_for_staff(
    client,
    admin_user,
    round_open,
    acme,
    acme_submitter,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    client.force_login(acme_submitter)
    with django_capture_on_commit_callbacks(execute=True):
        _post_package(client, tmp=tmp_path)
    client.force_login(admin_user)
    for url in (
        "/admin/submissions/submission/",
        "/admin/submissions/submissionversion/",
        "/admin/submissions/finding/",
        "/admin/submissions/objection/",
        "/admin/submissions/publishedresult/",
        "/admin/submissions/publishedsystem/",
        "/admin/submissions/reviewassignment/",
        "/admin/submissions/resultchange/",
        "/admin/submissions/hyperparameterborrowing/",
        "/admin/submissions/submissionwindow/",
        f"/admin/submissions/submissionversion/{SubmissionVersion.objects.get().pk}/change/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_rounds_list_shows_each_rounds_phase(client, round_open):
    html = client.get("/rounds/").content.decode()
    assert "open for submissions" in html and "planned" in html
    close_window(round_open)
    assert "in review" in client.get("/rounds/").content.decode()
