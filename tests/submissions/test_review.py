"""Objections, decisions and publication."""

import pytest

from core.errors import DomainError, InvalidTransition, PermissionDenied
from submissions.models import PublishedResult
from submissions.models.review import ObjectionStatus
from submissions.services.intake import version_upload
from submissions.services.publication import round_publish
from submissions.services.review import (
    objection_decide,
    objection_file,
    objection_withdraw,
)
from tests.submissions.conftest import close_window
from tests.submissions.packages import generated_org, tar_gz

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def test_objections_are_filed_only_during_review_by_another_submitting_organisation(
    submitted, acme, amd, acme_submitter, amd_submitter, member
):
    with pytest.raises(PermissionDenied):  # before the deadline
        objection_file(actor=amd_submitter, round=submitted, against=acme, text="x")
    close_window(submitted)
    with pytest.raises(PermissionDenied):  # against itself
        objection_file(actor=acme_submitter, round=submitted, against=acme, text="x")
    with pytest.raises(PermissionDenied):  # not a submitter of the round
        objection_file(actor=member, round=submitted, against=acme, text="x")
    objection = objection_file(
        actor=amd_submitter,
        round=submitted,
        against=acme,
        text="Seeds repeat",
        path="results/acme_box/llama2_70b_lora",
        fix_required=True,
    )
    assert (objection.filed_by, objection.against, objection.status) == (
        amd,
        acme,
        ObjectionStatus.OPEN,
    )


def test_chairs_decide_and_a_decided_objection_cannot_change(
    submitted, acme, amd_submitter, chair, member
):
    close_window(submitted)
    objection = objection_file(actor=amd_submitter, round=submitted, against=acme, text="x")
    with pytest.raises(PermissionDenied):
        objection_decide(actor=member, objection=objection, status="upheld", decision="no")
    with pytest.raises(DomainError):
        objection_decide(actor=chair, objection=objection, status="upheld", decision=" ")
    decided = objection_decide(
        actor=chair, objection=objection, status="dismissed", decision="Seeds are fine."
    )
    assert decided.status == "dismissed" and decided.decided_by == chair
    with pytest.raises(InvalidTransition):
        objection_decide(
            actor=chair, objection=decided, status="upheld", decision="changed my mind"
        )
    with pytest.raises(InvalidTransition):
        objection_withdraw(actor=amd_submitter, objection=decided)


def test_publication_waits_for_the_window_and_for_decisions(
    submitted, acme, amd_submitter, chair, member
):
    with pytest.raises(DomainError, match="Uploads are open until"):
        round_publish(actor=chair, round=submitted, confirm=submitted.name)
    close_window(submitted)
    objection = objection_file(actor=amd_submitter, round=submitted, against=acme, text="x")
    with pytest.raises(DomainError, match="objection is open"):
        round_publish(actor=chair, round=submitted, confirm=submitted.name)
    with pytest.raises(PermissionDenied):
        round_publish(actor=member, round=submitted, confirm=submitted.name)
    objection_decide(actor=chair, objection=objection, status="dismissed", decision="ok")
    assert round_publish(actor=chair, round=submitted, confirm=submitted.name) == 2
    with pytest.raises(InvalidTransition):
        round_publish(actor=chair, round=submitted, confirm=submitted.name)


def test_an_upheld_objection_removes_the_result(upheld, submitted, chair):
    round_publish(actor=chair, round=submitted, confirm=submitted.name)
    assert set(PublishedResult.objects.values_list("organization__slug", flat=True)) == {"amd"}


def test_a_fix_uploaded_after_the_decision_is_what_gets_published(
    upheld, submitted, acme, acme_submitter, chair, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fix = version_upload(
            actor=acme_submitter,
            round=submitted,
            organization=acme,
            original_name="fix.tar.gz",
            stream=tar_gz(generated_org(tmp_path / "fix")),
        )
    assert fix.during_review
    round_publish(actor=chair, round=submitted, confirm=submitted.name)
    assert PublishedResult.objects.get(organization=acme).version_id == fix.pk
