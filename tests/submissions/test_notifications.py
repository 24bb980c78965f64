"""What the submission service tells people: verdicts, objections, fixes due, extensions,
windows that open, deadline reminders (7 days, 1 day, 1 hour; once each) and publication."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from submissions import notifications
from submissions.models import SubmissionWindow
from submissions.services.publication import round_publish
from submissions.services.review import objection_decide, objection_file
from submissions.services.windows import extension_grant
from tests.factories import OrganizationFactory, person_with_role
from tests.submissions.conftest import close_window
from wg.models import Announcement, Notification, NotificationStatus, Role, RoundRegistration

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _address(user, address):
    user.email = address
    user.save()
    return user


@pytest.fixture
def addresses(acme_submitter, amd_submitter, chair):
    _address(acme_submitter, "sub@acme.example")
    _address(amd_submitter, "sub@amd.example")
    _address(chair, "chair@wg.example")


def _to(address):
    return [m for m in mail.outbox if address in m.to]


def test_the_verdict_reaches_the_organisations_submitters_only(addresses, submitted):
    acme = _to("sub@acme.example")
    assert len(acme) == 1 and "v5.1 Acme v1: valid" in acme[0].subject
    assert "/rounds/v5.1/submissions/acme/v1/" in acme[0].body and "0 errors" in acme[0].body
    assert len(_to("sub@amd.example")) == 1 and "AMD" in _to("sub@amd.example")[0].subject
    assert _to("chair@wg.example") == []


def test_a_rejected_package_says_why(
    addresses, round_open, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    import io

    from submissions.services.intake import version_upload
    from tests.submissions.packages import generated_org, tar_gz

    package = tar_gz(generated_org(tmp_path, org="Somebody Else"))
    with django_capture_on_commit_callbacks(execute=True):
        version_upload(
            actor=acme_submitter,
            round=round_open,
            organization=acme,
            stream=io.BytesIO(package.getvalue()),
            original_name="p.tar.gz",
        )
    (message,) = _to("sub@acme.example")
    assert "rejected" in message.subject.lower()


def test_objections_tell_both_organisations_and_the_chairs_then_the_decision(
    addresses, submitted, acme, amd_submitter, chair, django_capture_on_commit_callbacks
):
    close_window(submitted)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        objection = objection_file(
            actor=amd_submitter,
            round=submitted,
            against=acme,
            text="Seeds reused",
            path="results/acme_box/llama2_70b_lora",
            fix_required=True,
        )
    for address in ("sub@acme.example", "sub@amd.example", "chair@wg.example"):
        assert len(_to(address)) == 1 and "filed" in _to(address)[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        objection_decide(actor=chair, objection=objection, status="upheld", decision="Rerun it")
    acme_mail = sorted(m.subject for m in _to("sub@acme.example"))
    assert any("upheld" in s for s in acme_mail) and any("fix is due" in s for s in acme_mail)
    assert [m.subject for m in _to("sub@amd.example")] == [
        "v5.1: objection by AMD against Acme upheld"
    ]
    fix = next(m for m in _to("sub@acme.example") if "fix is due" in m.subject)
    assert "before the review ends" in fix.body


def test_an_objection_co_signed_tells_the_three_organisations(
    addresses, submitted, acme, amd, django_capture_on_commit_callbacks
):
    from submissions.models import Objection

    close_window(submitted)
    other = OrganizationFactory(name="Lenovo", slug="lenovo")
    _address(
        person_with_role(Role.SUBMITTER, other, username="lenovo-sub").user, "sub@lenovo.example"
    )
    objection = Objection.objects.create(
        round=submitted,
        filed_by=amd,
        against=acme,
        author=amd.memberships.first().person.user,
        text="x",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.objection_cosigned(objection=objection, organization=other)
    subjects = {
        a: [m.subject for m in _to(a)]
        for a in ("sub@acme.example", "sub@amd.example", "sub@lenovo.example")
    }
    assert all(len(s) == 1 and "co-signed by Lenovo" in s[0] for s in subjects.values())


def test_an_extension_is_announced_to_its_organisation(
    addresses, round_open, acme, chair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        extension_grant(
            actor=chair,
            window=round_open.window,
            organization=acme,
            until=round_open.window.deadline + timedelta(hours=24),
            reason="Power cut",
        )
    (message,) = _to("sub@acme.example")
    assert "may upload until" in message.subject and "Power cut" in message.body


def test_publication_goes_to_the_list_and_to_each_submitter(
    addresses, submitted, chair, settings, django_capture_on_commit_callbacks
):
    close_window(submitted)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        round_publish(actor=chair, round=submitted, confirm=submitted.name)
    assert len(_to(settings.WG_MAILING_LIST)) == 1
    assert Announcement.objects.get().subject == "MLPerf Training v5.1 results are published"
    assert len(_to("sub@acme.example")) == 1 and len(_to("sub@amd.example")) == 1


def test_a_window_that_opens_is_announced_once(
    addresses, round_open, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.windows_opened()
        notifications.windows_opened()
    assert len(_to(settings.WG_MAILING_LIST)) == 1
    assert (
        len(_to("sub@acme.example")) == 1
        and "open for submissions" in _to("sub@acme.example")[0].subject
    )


def _deadline_in(round_, delta):
    now = timezone.now()
    SubmissionWindow.objects.filter(round=round_).update(
        opens_at=now - timedelta(days=10),
        deadline=now + delta,
        review_ends_at=now + delta + timedelta(days=14),
    )


@pytest.fixture
def registered(addresses, round_open, acme, amd, chair):
    RoundRegistration.objects.create(round=round_open, organization=acme, registered_by=chair)
    RoundRegistration.objects.create(round=round_open, organization=amd, registered_by=chair)
    return round_open


def test_reminders_a_week_a_day_and_an_hour_before_each_once(
    registered, django_capture_on_commit_callbacks
):
    sent = []
    for delta in (timedelta(days=6, hours=23), timedelta(hours=23), timedelta(minutes=50)):
        _deadline_in(registered, delta)
        with django_capture_on_commit_callbacks(execute=True):
            notifications.deadline_reminders()
            notifications.deadline_reminders()  # beat runs often: never twice
        sent.append([m.subject for m in _to("sub@acme.example")])
    assert [len(s) for s in sent] == [1, 2, 3]
    assert (
        "seven days left" in sent[0][0]
        and "one day left" in sent[1][1]
        and "one hour left" in sent[2][2]
    )


def test_no_reminder_far_from_the_deadline_or_after_it(registered):
    _deadline_in(registered, timedelta(days=8))
    assert notifications.deadline_reminders() == 0
    _deadline_in(registered, -timedelta(minutes=5))
    assert notifications.deadline_reminders() == 0


def test_an_organisation_with_a_valid_version_gets_no_reminder(
    registered, acme, acme_submitter, tmp_path, django_capture_on_commit_callbacks
):
    from submissions.services.intake import version_upload
    from tests.submissions.packages import generated_org, tar_gz

    with django_capture_on_commit_callbacks(execute=True):
        version_upload(
            actor=acme_submitter,
            round=registered,
            organization=acme,
            stream=tar_gz(generated_org(tmp_path)),
            original_name="p.tar.gz",
        )
    mail.outbox.clear()
    _deadline_in(registered, timedelta(hours=20))
    with django_capture_on_commit_callbacks(execute=True):
        notifications.deadline_reminders()
    assert _to("sub@acme.example") == [] and len(_to("sub@amd.example")) == 1


def test_a_late_registration_gets_only_the_most_urgent_reminder(registered):
    _deadline_in(registered, timedelta(hours=10))
    notifications.deadline_reminders()
    keys = set(
        Notification.objects.filter(kind="submission.reminder").values_list("event_key", flat=True)
    )
    assert keys == {
        f"submission.reminder:v5.1:{o}:1d"
        for o in registered.registrations.values_list("organization_id", flat=True)
    }


def test_an_unregistered_organisation_that_never_uploaded_is_not_reminded(addresses, round_open):
    _deadline_in(round_open, timedelta(hours=10))
    assert notifications.deadline_reminders() == 0


def test_a_reminder_respects_the_extension(registered, acme, chair):
    _deadline_in(registered, timedelta(hours=10))
    registered.window.refresh_from_db()
    extension_grant(
        actor=chair,
        window=registered.window,
        organization=acme,
        until=registered.window.deadline + timedelta(hours=48),
        reason="Fire",
    )
    notifications.deadline_reminders()
    rows = Notification.objects.filter(kind="submission.reminder")
    assert {
        r.event_key.rsplit(":", 1)[1] for r in rows if r.person.user.username == "acme-submitter"
    } == {"7d"}
    assert all(r.status in (NotificationStatus.QUEUED, NotificationStatus.SENT) for r in rows)


def _cancel(round_, chair):
    from roadmap.services.rounds import round_transition

    round_transition(actor=chair, round=round_, to="cancelled", reason="not enough benchmarks")


def test_a_cancelled_round_announces_no_window_and_sends_no_reminder(
    registered, chair, settings, django_capture_on_commit_callbacks
):
    _cancel(registered, chair)
    _deadline_in(registered, timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.windows_opened() == 0
        assert notifications.deadline_reminders() == 0
    assert _to(settings.WG_MAILING_LIST) == [] and _to("sub@acme.example") == []


def test_every_co_signer_hears_the_decision(
    addresses, submitted, acme, amd_submitter, chair, django_capture_on_commit_callbacks
):
    from submissions.models import ObjectionSigner

    close_window(submitted)
    other = OrganizationFactory(name="Lenovo", slug="lenovo")
    lenovo_sub = person_with_role(Role.SUBMITTER, other, username="lenovo-sub").user
    _address(lenovo_sub, "sub@lenovo.example")
    objection = objection_file(actor=amd_submitter, round=submitted, against=acme, text="Seeds")
    ObjectionSigner.objects.create(
        objection=objection, organization=other, signed_by=lenovo_sub, signed_at=timezone.now()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        objection_decide(actor=chair, objection=objection, status="dismissed", decision="Fine")
    assert [m.subject for m in _to("sub@lenovo.example")] == [
        "v5.1: objection by AMD against Acme dismissed"
    ]
