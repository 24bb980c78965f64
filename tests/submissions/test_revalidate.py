"""Chairs run a failed validation again from the version's page; nobody else can."""

from __future__ import annotations

import pytest
from django.urls import reverse

from submissions.models import SubmissionVersion
from submissions.services import processing
from submissions.services.intake import version_upload
from tests.submissions.conftest import close_window
from tests.submissions.packages import generated_org, tar_gz

pytestmark = pytest.mark.usefixtures("submissions_root")


@pytest.fixture
def failed(round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks):
    """A version whose validation could not run, after the deadline (chairs may see it)."""
    with django_capture_on_commit_callbacks(execute=False):
        version = version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=tar_gz(generated_org(tmp_path)),
            original_name="p.tar.gz",
        )
    processing.version_mark_failed(version_id=version.pk, error="the disk was full")
    close_window(round_open)
    return SubmissionVersion.objects.get(pk=version.pk)


def _urls(version: SubmissionVersion) -> tuple[str, str]:
    args = [version.submission.round.name, version.submission.organization.slug, version.number]
    return (
        reverse("submissions:version-detail", args=args),
        reverse("submissions:version-revalidate", args=args),
    )


def test_a_chair_validates_a_failed_version_again_from_its_page(
    client, chair, failed, eager, django_capture_on_commit_callbacks
):
    page, action = _urls(failed)
    client.force_login(chair)
    assert 'data-testid="revalidate"' in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action)
    assert response.status_code == 302 and response.url == page
    failed.refresh_from_db()
    assert failed.status == "valid" and failed.rejection == ""


def test_the_organisations_own_submitter_sees_no_button_and_is_refused(
    client, acme_submitter, failed
):
    page, action = _urls(failed)
    client.force_login(acme_submitter)
    assert client.get(page).status_code == 200
    assert 'data-testid="revalidate"' not in client.get(page).content.decode()
    assert client.post(action).status_code == 403
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_outsiders_and_anonymous_visitors_cannot_reach_it(client, outsider, failed):
    _, action = _urls(failed)
    assert client.post(action).status_code == 302  # to the login page
    client.force_login(outsider)
    assert client.post(action).status_code == 404  # the version stays confidential
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_a_version_that_did_not_fail_is_not_run_again(client, chair, failed):
    SubmissionVersion.objects.filter(pk=failed.pk).update(status="valid")
    page, action = _urls(failed)
    client.force_login(chair)
    assert 'data-testid="revalidate"' not in client.get(page).content.decode()
    response = client.post(action, follow=True)
    assert "Only a version whose validation failed" in response.content.decode()
