"""Receiving packages: deadlines, roles, versions, caps and queuing on commit."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import PermissionDenied
from core.models import AuditEvent
from submissions import storage
from submissions.errors import UploadRefused
from submissions.models import Objection, SubmissionVersion
from submissions.services.intake import version_upload
from tests.submissions.conftest import close_window
from tests.submissions.packages import generated_org, tar_gz


@pytest.fixture
def package(tmp_path):
    return tar_gz(generated_org(tmp_path))


def _upload(actor, round_, org, stream, **kw):
    return version_upload(
        actor=actor,
        round=round_,
        organization=org,
        stream=stream,
        original_name="acme.tar.gz",
        **kw,
    )


def test_an_upload_becomes_version_one_with_its_hash_and_server_time(
    round_open, acme, acme_submitter, package, submissions_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        version = _upload(acme_submitter, round_open, acme, package)
    assert (version.number, version.status, version.archive_format) == (1, "received", "tar.gz")
    assert storage.archive_path(version.sha256).read_bytes() == package.getvalue()
    assert abs((version.received_at - timezone.now()).total_seconds()) < 5
    assert AuditEvent.objects.filter(action="submission.upload", object_id=str(version.pk)).exists()
    assert len(callbacks) == 1  # validation is queued only once the version is committed


def test_every_upload_is_a_new_version_and_nothing_is_overwritten(
    round_open, acme, acme_submitter, tmp_path, submissions_root
):
    first = _upload(acme_submitter, round_open, acme, tar_gz(generated_org(tmp_path / "a")))
    second = _upload(acme_submitter, round_open, acme, tar_gz(generated_org(tmp_path / "b")))
    assert (first.number, second.number) == (1, 2)
    assert (
        storage.archive_path(first.sha256).exists() and storage.archive_path(second.sha256).exists()
    )


def test_an_upload_after_the_deadline_is_refused_with_the_deadline_and_server_time(
    round_open, acme, acme_submitter, package, submissions_root
):
    close_window(round_open)
    with pytest.raises(UploadRefused) as refused:
        _upload(acme_submitter, round_open, acme, package)
    message = str(refused.value)
    assert (
        "deadline has passed" in message
        and "server's time is" in message
        and "grace period" in message
    )
    assert not SubmissionVersion.objects.exists()


def test_a_cancelled_round_takes_no_upload_and_stores_nothing(
    round_open, acme, acme_submitter, chair, package, submissions_root
):
    from roadmap.services.rounds import round_transition

    round_transition(actor=chair, round=round_open, to="cancelled", reason="too few benchmarks")
    round_open.refresh_from_db()
    with pytest.raises(UploadRefused, match=r"v5\.1 was cancelled: it takes no submissions"):
        _upload(acme_submitter, round_open, acme, package)
    assert not SubmissionVersion.objects.exists()
    assert not list(submissions_root.rglob("*.*"))  # nothing spooled, nothing kept


def test_an_upload_within_the_grace_period_is_accepted(
    round_open, acme, acme_submitter, package, submissions_root
):
    close_window(round_open, days_ago=0.02)  # about 29 minutes ago
    assert _upload(acme_submitter, round_open, acme, package).number == 1


def test_a_chair_extension_lets_one_organisation_upload_late(
    round_open, acme, amd, acme_submitter, amd_submitter, chair, package, submissions_root, tmp_path
):
    from submissions.services.windows import extension_grant

    window = round_open.window
    extension_grant(
        actor=chair,
        window=window,
        organization=acme,
        until=window.deadline + timedelta(hours=48),
        reason="Cluster failure",
    )
    a_day_late = window.deadline + timedelta(hours=24)
    assert _upload(acme_submitter, round_open, acme, package, now=a_day_late).number == 1
    with pytest.raises(UploadRefused, match="deadline has passed"):
        _upload(
            amd_submitter,
            round_open,
            amd,
            tar_gz(generated_org(tmp_path / "amd", org="AMD")),
            now=a_day_late,
        )


def test_only_a_submitter_of_the_organisation_may_upload(
    round_open, acme, amd_submitter, member, chair, package, submissions_root
):
    for actor in (amd_submitter, member, chair):
        with pytest.raises(PermissionDenied):
            _upload(actor, round_open, acme, package)


def test_before_the_window_opens_uploads_are_refused(
    round_open, acme, acme_submitter, package, submissions_root
):
    round_open.window.opens_at = timezone.now() + timedelta(days=1)
    round_open.window.deadline = timezone.now() + timedelta(days=2)
    round_open.window.save()
    with pytest.raises(UploadRefused, match="open at"):
        _upload(acme_submitter, round_open, acme, package)


def test_a_package_over_the_size_cap_is_refused_and_not_kept(
    round_open, acme, acme_submitter, package, settings, submissions_root
):
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(UploadRefused, match="larger than the limit"):
        _upload(acme_submitter, round_open, acme, package)
    assert not list((submissions_root / "incoming").iterdir())
    assert not SubmissionVersion.objects.exists()


def test_a_file_that_is_not_an_archive_is_refused(
    round_open, acme, acme_submitter, submissions_root
):
    with pytest.raises(UploadRefused, match=r"\.tar\.gz, \.tar or \.zip"):
        _upload(acme_submitter, round_open, acme, io.BytesIO(b"just some text, not a package"))
    assert not SubmissionVersion.objects.exists()


def test_during_review_only_a_fix_a_chair_allowed_may_be_uploaded(
    round_open, acme, amd, acme_submitter, amd_submitter, package, submissions_root, tmp_path
):
    _upload(acme_submitter, round_open, acme, package)
    _upload(amd_submitter, round_open, amd, tar_gz(generated_org(tmp_path / "amd", org="AMD")))
    close_window(round_open)
    with pytest.raises(UploadRefused):
        _upload(acme_submitter, round_open, acme, tar_gz(generated_org(tmp_path / "again")))
    Objection.objects.create(
        round=round_open,
        filed_by=amd,
        against=acme,
        author=amd_submitter,
        text="Seeds repeat",
        fix_required=True,
        status="upheld",
        decided_at=timezone.now(),
    )
    fix = _upload(acme_submitter, round_open, acme, tar_gz(generated_org(tmp_path / "fix")))
    assert fix.during_review and fix.number == 2
