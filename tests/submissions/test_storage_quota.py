"""Only what is accepted is stored: refused uploads leave nothing, a quota per organisation
and round limits what is kept, and a token holder's upload to another organisation is refused
before its body is spooled."""

import io

import pytest

from submissions import storage
from submissions.errors import UploadRefused
from submissions.models import SubmissionVersion
from submissions.services.intake import version_upload
from tests.submissions.conftest import close_window
from tests.submissions.packages import generated_org, tar_gz
from wg.services import api_token_create

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    "body",
    [b"", b"\x8f\x01random bytes that are no archive" * 100, b"<!doctype html><html>hi</html>"],
    ids=["empty", "random", "html"],
)
def test_a_refused_upload_leaves_nothing_in_the_store(
    round_open, acme, acme_submitter, submissions_root, body
):
    with pytest.raises(UploadRefused, match="nothing was stored"):
        version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=io.BytesIO(body),
            original_name="package.tar.gz",
        )
    assert _stored_files(submissions_root) == []
    assert not SubmissionVersion.objects.exists()


def test_an_accepted_upload_is_kept_by_its_hash(
    round_open, acme, acme_submitter, submissions_root, tmp_path
):
    package = tar_gz(generated_org(tmp_path))
    version = version_upload(
        actor=acme_submitter,
        round=round_open,
        organization=acme,
        stream=package,
        original_name="p.tar.gz",
    )
    assert storage.archive_path(version.sha256).read_bytes() == package.getvalue()
    assert list((submissions_root / "incoming").iterdir()) == []


def test_the_quota_refuses_more_saying_so(
    round_open, acme, amd, acme_submitter, amd_submitter, submissions_root, tmp_path, settings
):
    packages = [tar_gz(generated_org(tmp_path / name)) for name in "abc"]
    size = max(len(p.getvalue()) for p in packages)
    settings.SUBMISSION_QUOTA_BYTES = size * 5 // 2

    def send(package, org=acme, user=acme_submitter):
        return version_upload(
            actor=user, round=round_open, organization=org,
            stream=io.BytesIO(package.getvalue()), original_name="p.tar.gz",
        )  # fmt: skip

    send(packages[0])
    assert send(packages[0]).number == 2  # the same bytes again take no more space
    send(packages[1])
    with pytest.raises(
        UploadRefused, match=r"Acme has [\d,]+ bytes left of its [\d,]+-byte storage quota for v5.1"
    ):
        send(packages[2])
    assert len(_stored_files(submissions_root / "archives")) == 2
    assert list((submissions_root / "incoming").iterdir()) == []
    # Another organisation has a quota of its own.
    send(tar_gz(generated_org(tmp_path / "amd", org="AMD")), org=amd, user=amd_submitter)


def test_the_page_refuses_a_body_over_the_quota_before_reading_it(
    client, round_open, acme, acme_submitter, tmp_path, settings
):
    settings.SUBMISSION_QUOTA_BYTES = 1024
    client.force_login(acme_submitter)
    response = client.post(
        "/rounds/v5.1/upload/acme/",
        {"package": tar_gz(generated_org(tmp_path))},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and "storage quota for v5.1" in response.json()["error"]


def test_a_token_holder_of_another_organisation_spools_nothing(
    client, round_open, acme, amd_submitter, tmp_path, monkeypatch
):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    received = []
    real = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        received.append(len(raw_data))
        return real(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    _, token = api_token_create(actor=amd_submitter, user=amd_submitter, name="ci")
    response = client.post(
        "/api/rounds/v5.1/submissions/acme/versions",
        {"package": tar_gz(generated_org(tmp_path))},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403 and "not a submitter for Acme" in response.json()["detail"]
    assert received == []  # not one byte of the body reached a temporary file


def test_the_api_says_why_a_body_over_the_quota_was_dropped(
    client, round_open, acme, acme_submitter, tmp_path, settings
):
    settings.SUBMISSION_QUOTA_BYTES = 1024
    _, token = api_token_create(actor=acme_submitter, user=acme_submitter, name="ci")
    response = client.post(
        "/api/rounds/v5.1/submissions/acme/versions",
        {"package": tar_gz(generated_org(tmp_path))},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413 and "storage quota" in response.json()["detail"]


def test_a_late_upload_is_refused_before_anything_is_stored(
    round_open, acme, acme_submitter, submissions_root, tmp_path
):
    close_window(round_open)
    with pytest.raises(UploadRefused):
        version_upload(
            actor=acme_submitter, round=round_open, organization=acme,
            stream=tar_gz(generated_org(tmp_path)), original_name="late.tar.gz",
        )  # fmt: skip
    assert _stored_files(submissions_root) == []
