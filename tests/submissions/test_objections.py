"""Objections as the rules run them: "by <org>" signers, withdrawal by the objector, closing
when nobody signs at the filing deadline, acknowledgement by the owning submitter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, InvalidTransition, PermissionDenied
from submissions.models import PublishedResult
from submissions.services.review import (
    objection_acknowledge,
    objection_cosign,
    objection_file,
    objection_withdraw,
    objections_close_unsigned,
)
from tests.submissions.conftest import close_window, publish, upload
from tests.submissions.packages import generated_org

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


@pytest.fixture
def three(submitted, globex, globex_submitter, tmp_path, django_capture_on_commit_callbacks):
    """Acme, AMD and Globex submitted; review under way."""
    upload(
        globex_submitter,
        submitted,
        globex,
        generated_org(tmp_path / "globex", org="Globex"),
        django_capture_on_commit_callbacks,
    )
    close_window(submitted)
    return submitted


def _signers(objection):
    return sorted(s.organization.slug for s in objection.signers.all() if s.withdrawn_at is None)


def test_other_organisations_co_sign_an_objection(
    three, acme, amd_submitter, globex_submitter, acme_submitter
):
    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    objection_cosign(actor=globex_submitter, objection=objection)
    assert _signers(objection) == ["amd", "globex"]
    with pytest.raises(PermissionDenied):  # the target does not object to itself
        objection_cosign(actor=acme_submitter, objection=objection)
    with pytest.raises(PermissionDenied):  # nor signs twice
        objection_cosign(actor=globex_submitter, objection=objection)


def test_an_objector_removes_only_its_own_signature(three, acme, amd_submitter, globex_submitter):
    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    with pytest.raises(PermissionDenied):
        objection_withdraw(actor=globex_submitter, objection=objection)
    objection_cosign(actor=globex_submitter, objection=objection)
    objection_withdraw(actor=amd_submitter, objection=objection)
    objection.refresh_from_db()
    assert _signers(objection) == ["globex"] and objection.status == "open"


def test_an_objection_nobody_signs_stays_open_until_the_filing_deadline_then_closes(
    three, acme, amd_submitter, chair
):
    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    objection_withdraw(actor=amd_submitter, objection=objection)
    objection.refresh_from_db()
    assert objection.status == "open"  # another organisation may still sign it
    due = three.window.objections_close_at
    assert objections_close_unsigned(round=three, now=due) == 0
    assert objections_close_unsigned(round=three, now=due + timedelta(seconds=1)) == 1
    objection.refresh_from_db()
    assert objection.status == "withdrawn" and "no organisation signed it" in objection.decision


def test_publication_closes_unsigned_objections_first(three, acme, amd_submitter, chair):
    from submissions.models import SubmissionWindow

    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    objection_withdraw(actor=amd_submitter, objection=objection)
    SubmissionWindow.objects.filter(round=three).update(
        objections_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert publish(chair, three) == 3
    objection.refresh_from_db()
    assert objection.status == "withdrawn"


def test_signing_ends_when_objections_are_due(three, acme, amd_submitter, globex_submitter):
    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    late = three.window.objections_close_at + timedelta(seconds=1)
    with pytest.raises(PermissionDenied):
        objection_cosign(actor=globex_submitter, objection=objection, now=late)
    with pytest.raises(PermissionDenied):
        objection_file(actor=globex_submitter, round=three, against=acme, text="x", now=late)


def test_after_the_deadline_the_last_signature_removed_closes_it_at_once(
    three, acme, amd_submitter
):
    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    late = three.window.objections_close_at + timedelta(seconds=1)
    objection = objection_withdraw(actor=amd_submitter, objection=objection, now=late)
    assert objection.status == "withdrawn"
    with pytest.raises(InvalidTransition):
        objection_withdraw(actor=amd_submitter, objection=objection)


def test_withdrawing_someone_elses_decided_objection_does_not_tell_its_status(
    three, acme, amd_submitter, globex_submitter
):
    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    late = three.window.objections_close_at + timedelta(seconds=1)
    objection = objection_withdraw(actor=amd_submitter, objection=objection, now=late)
    with pytest.raises(PermissionDenied) as refused:
        objection_withdraw(actor=globex_submitter, objection=objection)
    assert "withdrawn" not in str(refused.value)


def test_the_owner_acknowledges_marks_fix_required_and_may_upload_a_fix(
    client,
    three,
    acme,
    acme_submitter,
    amd_submitter,
    globex_submitter,
    chair,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    objection = objection_file(
        actor=amd_submitter,
        round=three,
        against=acme,
        text="rerun",
        path="results/acme_box/llama2_70b_lora",
    )
    with pytest.raises(PermissionDenied):
        objection_acknowledge(actor=globex_submitter, objection=objection)
    client.force_login(acme_submitter)
    assert 'data-testid="upload-form"' not in client.get("/rounds/v5.1/").content.decode()
    objection = objection_acknowledge(actor=acme_submitter, objection=objection)
    assert objection.fix_required and objection.acknowledged_by == acme_submitter
    page = client.get("/rounds/v5.1/").content.decode()
    assert 'data-testid="upload-form"' in page and 'data-testid="fix-allowed"' in page
    fix = upload(
        acme_submitter,
        three,
        acme,
        generated_org(tmp_path / "fix"),
        django_capture_on_commit_callbacks,
    )
    assert fix.during_review and fix.status == "valid"
    with pytest.raises(DomainError, match="objection is open"):
        publish(chair, three)
    # The objector is satisfied by the fix and removes its tag.
    objection_withdraw(
        actor=amd_submitter,
        objection=objection,
        now=three.window.objections_close_at + timedelta(1),
    )
    publish(chair, three)
    assert PublishedResult.objects.get(organization=acme).version_id == fix.pk


def test_a_fix_allowed_by_an_upheld_objection_is_uploaded_from_the_round_page(
    client, upheld, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    from tests.submissions.packages import tar_gz

    client.force_login(acme_submitter)
    page = client.get("/rounds/v5.1/").content.decode()
    assert 'data-testid="upload-form"' in page and "/rounds/v5.1/upload/acme/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/rounds/v5.1/upload/acme/", {"package": tar_gz(generated_org(tmp_path))}
        )
    assert response.status_code == 302 and response.url.endswith("/submissions/acme/v2/")


def test_objections_through_the_round_page(client, three, acme, amd_submitter, globex_submitter):
    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    client.force_login(globex_submitter)
    page = client.get("/rounds/v5.1/").content.decode()
    assert 'data-testid="cosign"' in page
    client.post(f"/rounds/v5.1/objections/{objection.pk}/cosign/", {"organization": "globex"})
    assert _signers(objection) == ["amd", "globex"]
    assert "by Globex" in client.get("/rounds/v5.1/").content.decode()
    client.post(f"/rounds/v5.1/objections/{objection.pk}/withdraw/", {"organization": "globex"})
    assert _signers(objection) == ["amd"]


def test_objections_through_the_api(
    client, three, acme, amd_submitter, globex_submitter, acme_submitter
):
    from wg.services import api_token_create

    def auth(user):
        return {"Authorization": f"Bearer {api_token_create(actor=user, user=user, name='ci')[1]}"}

    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    signed = client.post(
        f"/api/rounds/v5.1/objections/{objection.pk}/cosign", headers=auth(globex_submitter)
    )
    assert signed.status_code == 200 and signed.json()["signed_by"] == ["amd", "globex"]
    ack = client.post(
        f"/api/rounds/v5.1/objections/{objection.pk}/acknowledge", headers=auth(acme_submitter)
    )
    assert ack.json()["acknowledged"] is True and ack.json()["fix_required"] is True


def test_the_periodic_sweep_closes_unsigned_objections_once_due(three, acme, amd_submitter):
    from django.conf import settings

    from submissions.tasks import close_unsigned_objections_task

    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    objection_withdraw(actor=amd_submitter, objection=objection)
    assert close_unsigned_objections_task() == 0  # not due yet
    from submissions.models import SubmissionWindow

    SubmissionWindow.objects.filter(round=three).update(
        objections_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert close_unsigned_objections_task() == 1
    objection.refresh_from_db()
    assert objection.status == "withdrawn"
    scheduled = settings.CELERY_BEAT_SCHEDULE["close-unsigned-objections"]
    assert scheduled["task"] == "submissions.close_unsigned_objections"


@pytest.mark.parametrize("action", ["cosign", "withdraw", "acknowledge", "decide"])
def test_outside_the_review_an_objection_that_exists_looks_like_one_that_does_not(
    client, three, acme, amd_submitter, member, action
):
    """A refusal for a real objection and a 404 for a made-up one would tell an outsider which
    objections an embargoed round has: both are the same 404, on the page and in the API."""
    from wg.services import api_token_create

    objection = objection_file(actor=amd_submitter, round=three, against=acme, text="seeds")
    missing = objection.pk + 1000
    client.force_login(member)
    pages = [
        client.post(f"/rounds/v5.1/objections/{pk}/{action}/", {"organization": "alpha"})
        for pk in (objection.pk, missing)
    ]
    assert [p.status_code for p in pages] == [404, 404]
    api_action = "decision" if action == "decide" else action
    token = {"Authorization": f"Bearer {api_token_create(actor=member, user=member, name='ci')[1]}"}
    body = {"status": "upheld", "decision": "x"} if action == "decide" else {}
    answers = [
        client.post(
            f"/api/rounds/v5.1/objections/{pk}/{api_action}",
            body,
            "application/json",
            headers=token,
        )
        for pk in (objection.pk, missing)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
    assert _signers(objection) == ["amd"]
