"""The review's rules that keep the embargo fair: nobody uploads again after seeing the others
(unless a chair allowed a fix), and what an upheld objection removes stays removed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from submissions.errors import UploadRefused
from submissions.models import PublishedResult, SubmissionWindow
from submissions.policy import can_review_round
from submissions.services.intake import version_upload
from submissions.services.publication import round_publish
from submissions.services.review import objection_decide, objection_file
from submissions.services.windows import extension_grant, window_save
from tests.submissions.conftest import close_window
from tests.submissions.packages import generated_org, tar_gz

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _fix(user, round_, org, tmp, callbacks):
    with callbacks(execute=True):
        return version_upload(
            actor=user,
            round=round_,
            organization=org,
            original_name="fix.tar.gz",
            stream=tar_gz(generated_org(tmp, org=org.name)),
        )


def test_an_open_objection_asking_for_a_fix_does_not_reopen_uploads(
    submitted,
    acme,
    acme_submitter,
    amd_submitter,
    chair,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    close_window(submitted)
    objection = objection_file(
        actor=amd_submitter, round=submitted, against=acme, text="x", fix_required=True
    )
    with pytest.raises(UploadRefused):
        _fix(acme_submitter, submitted, acme, tmp_path / "a", django_capture_on_commit_callbacks)
    objection_decide(
        actor=chair, objection=objection, status="upheld", decision="Rerun", fix_allowed=False
    )
    with pytest.raises(UploadRefused):
        _fix(acme_submitter, submitted, acme, tmp_path / "b", django_capture_on_commit_callbacks)


def test_a_fix_replaces_only_what_its_objection_named(
    upheld,
    submitted,
    acme,
    acme_submitter,
    amd_submitter,
    chair,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    removed = objection_file(
        actor=amd_submitter,
        round=submitted,
        against=acme,
        text="whole system is wrong",
        path="systems/acme_box.json",
    )
    objection_decide(actor=chair, objection=removed, status="upheld", decision="Removed")
    _fix(acme_submitter, submitted, acme, tmp_path / "fix", django_capture_on_commit_callbacks)
    round_publish(actor=chair, round=submitted, confirm=submitted.name)
    assert not PublishedResult.objects.filter(organization=acme).exists()


def test_uploads_cannot_be_reopened_once_everyone_saw_the_packages(submitted, acme, chair):
    close_window(submitted)
    window = SubmissionWindow.objects.get(round=submitted)
    with pytest.raises(DomainError, match="cannot be reopened"):
        extension_grant(
            actor=chair,
            window=window,
            organization=acme,
            until=window.deadline + timedelta(hours=70),
            reason="late request",
        )
    with pytest.raises(DomainError, match="cannot be reopened"):
        window_save(
            actor=chair,
            round=submitted,
            opens_at=window.opens_at,
            deadline=timezone.now() + timedelta(days=1),
            review_ends_at=timezone.now() + timedelta(days=9),
        )


def test_an_organisation_whose_upload_was_refused_does_not_review_the_others(
    round_open,
    acme,
    acme_submitter,
    amd,
    amd_submitter,
    django_capture_on_commit_callbacks,
    tmp_path,
):
    import io

    _fix(acme_submitter, round_open, acme, tmp_path / "acme", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        junk = io.BytesIO()
        import tarfile

        with tarfile.open(fileobj=junk, mode="w:gz") as tar:
            info = tarfile.TarInfo("AMD/notes.txt")
            tar.addfile(info, io.BytesIO(b""))
        junk.seek(0)
        version = version_upload(
            actor=amd_submitter,
            round=round_open,
            organization=amd,
            stream=junk,
            original_name="junk.tar.gz",
        )
    version.refresh_from_db()
    assert version.status == "rejected"
    close_window(round_open)
    assert not can_review_round(amd_submitter, round_open, now=timezone.now())
    assert can_review_round(acme_submitter, round_open, now=timezone.now())


def test_no_objection_or_fix_after_publication(
    upheld,
    submitted,
    acme,
    acme_submitter,
    amd_submitter,
    chair,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    round_publish(actor=chair, round=submitted, confirm=submitted.name)
    submitted.refresh_from_db()
    with pytest.raises(PermissionDenied):
        objection_file(actor=amd_submitter, round=submitted, against=acme, text="late")
    with pytest.raises(UploadRefused):
        _fix(acme_submitter, submitted, acme, tmp_path / "late", django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    "given",
    [
        "Acme/results/acme_box/llama2_70b_lora",
        "./results/acme_box/llama2_70b_lora/",
        "/results/acme_box/llama2_70b_lora",
    ],
)
def test_an_objection_path_copied_from_the_version_page_names_the_result(
    submitted, acme, amd_submitter, given
):
    close_window(submitted)
    objection = objection_file(
        actor=amd_submitter, round=submitted, against=acme, text="x", path=given
    )
    assert objection.path == "results/acme_box/llama2_70b_lora"


def test_an_objection_to_a_path_that_is_not_in_the_package_is_refused(
    submitted, acme, amd_submitter
):
    close_window(submitted)
    with pytest.raises(DomainError, match="not a file or folder"):
        objection_file(
            actor=amd_submitter, round=submitted, against=acme, text="x", path="results/other_box"
        )


def test_at_the_closing_instant_uploads_are_accepted_and_review_has_not_begun(
    submitted, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    window = submitted.window
    closing = window.closes_for_all_at
    assert not can_review_round(acme_submitter, submitted, now=closing)
    assert can_review_round(acme_submitter, submitted, now=closing + timedelta(microseconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        version = version_upload(
            actor=acme_submitter,
            round=submitted,
            organization=acme,
            now=closing,
            original_name="last.tar.gz",
            stream=tar_gz(generated_org(tmp_path)),
        )
    assert version.number == 2


def test_a_declared_body_over_the_cap_is_not_read(rf, settings):
    from submissions.upload_handlers import CappedUploadHandler

    settings.SUBMISSION_MAX_UPLOAD_BYTES = 1024
    request = rf.post(
        "/rounds/v5.1/upload/acme/", data=b"--x--", content_type="multipart/form-data; boundary=x"
    )
    request.META["CONTENT_LENGTH"] = str(10 * 1024**3)
    handler = CappedUploadHandler(request)
    post, files = handler.handle_raw_input(None, request.META, 10 * 1024**3, b"x")
    assert (dict(post), dict(files)) == ({}, {})
    assert request.upload_refused[0] == 413
