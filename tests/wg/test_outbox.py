"""The outbox: once per event and recipient, preferences, real SMTP outcomes, retries,
failures recorded, digests, unsubscribing, the reaper and the beat schedule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent
from tests.factories import person_with_role
from wg.models import Delivery, Notification, NotificationPreference, NotificationStatus, Role
from wg.notifications import Recipient, notification_enqueue, recipients_for_people
from wg.notifications.digest import digests_send
from wg.notifications.kinds import ROLES
from wg.notifications.preferences import preference_set, unsubscribe
from wg.notifications.sending import MAX_ATTEMPTS, notifications_requeue_stalled
from wg.notifications.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    person = person_with_role(Role.MEMBER, username="alice")
    person.emails = ["alice@example.org"]
    person.save()
    return person


def _send(people, key="wg.roles:test:1", **kwargs):
    return notification_enqueue(
        kind=ROLES.code,
        event_key=key,
        recipients=recipients_for_people(people),
        subject="You are now a member",
        template="wg/email/role.txt",
        context={"text": "You are now a member."},
        url="/accounts/me/",
        **kwargs,
    )


def test_an_event_announced_twice_is_sent_once(
    alice, smtp, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send([alice])
    with django_capture_on_commit_callbacks(execute=True):
        second = _send([alice, alice])
    assert len(first) == 1 and second == []
    assert Notification.objects.count() == 1
    assert len(smtp.to("alice@example.org")) == 1
    assert Notification.objects.get().status == NotificationStatus.SENT


def test_sending_waits_for_the_commit(alice, smtp, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send([alice])
    assert smtp.messages == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(smtp.messages) == 1


def test_the_message_has_absolute_links_and_an_unsubscribe_header(
    alice, smtp, eager, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://wg.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        _send([alice])
    message = smtp.messages[0]
    body = message.get_payload(decode=True).decode()
    assert "https://wg.example.org/accounts/me/" in body
    assert "https://wg.example.org/notifications/unsubscribe/" in body
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<https://wg.example.org/notifications/unsubscribe/")
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_never_is_recorded_and_not_sent(alice, smtp, eager, django_capture_on_commit_callbacks):
    preference_set(actor=None, person=alice, kind=ROLES.code, delivery=Delivery.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        _send([alice])
    row = Notification.objects.get()
    assert row.status == NotificationStatus.SKIPPED and "turned this kind off" in row.last_error
    assert smtp.messages == []


def test_a_person_without_an_address_is_recorded_as_not_sent(db, eager):
    nobody = person_with_role(Role.MEMBER, username="no-mail")
    _send([nobody])
    row = Notification.objects.get()
    assert (
        row.status == NotificationStatus.SKIPPED and row.last_error == "No email address on file."
    )


def test_a_refused_address_is_a_recorded_failure_not_retried(
    db, smtp, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(
            kind=ROLES.code,
            event_key="wg.roles:refused",
            recipients=[Recipient(email="refused@example.org")],
            subject="s",
            template="wg/email/role.txt",
            context={"text": "t"},
        )
    row = Notification.objects.get()
    assert row.status == NotificationStatus.FAILED and row.attempts == 1
    assert "550" in row.last_error and "No such mailbox" in row.last_error
    event = AuditEvent.objects.get(action="notification.failed")
    assert "550" in event.reason


def test_a_busy_server_is_retried_with_backoff_until_it_accepts(
    db, smtp, eager, no_backoff, django_capture_on_commit_callbacks
):
    smtp.busy_left = 2
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(
            kind=ROLES.code,
            event_key="wg.roles:busy",
            recipients=[Recipient(email="busy@example.org")],
            subject="s",
            template="wg/email/role.txt",
            context={"text": "t"},
        )
    row = Notification.objects.get()
    assert row.status == NotificationStatus.SENT and row.attempts == 3
    assert len(smtp.to("busy@example.org")) == 1


def test_a_server_busy_for_too_long_gives_a_recorded_failure(
    db, smtp, eager, no_backoff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(
            kind=ROLES.code,
            event_key="wg.roles:busy",
            recipients=[Recipient(email="busy@example.org")],
            subject="s",
            template="wg/email/role.txt",
            context={"text": "t"},
        )
    row = Notification.objects.get()
    assert row.status == NotificationStatus.FAILED and row.attempts == MAX_ATTEMPTS
    assert "451" in row.last_error


def test_a_server_that_is_down_leaves_the_message_queued_for_later(
    db, settings, django_capture_on_commit_callbacks
):
    from wg.notifications.sending import notification_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    rows = notification_enqueue(
        kind=ROLES.code,
        event_key="wg.roles:down",
        recipients=[Recipient(email="x@example.org")],
        subject="s",
        template="wg/email/role.txt",
        context={"text": "t"},
    )
    outcome = notification_send(notification_id=rows[0].pk)
    row = Notification.objects.get()
    assert outcome.retry_in is not None and outcome.retry_in >= 30
    assert row.status == NotificationStatus.QUEUED and row.next_attempt_at > timezone.now()
    assert "ConnectionRefusedError" in row.last_error


def test_a_secret_link_is_erased_once_sent(db, smtp, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(
            kind=ROLES.code,
            event_key="wg.roles:secret",
            recipients=[Recipient(email="s@example.org")],
            subject="s",
            template="wg/email/role.txt",
            context={"text": "t"},
            url="/invite/SECRET-TOKEN/",
            sensitive=True,
        )
    assert "SECRET-TOKEN" in smtp.messages[0].get_payload(decode=True).decode()
    row = Notification.objects.get()
    assert "SECRET-TOKEN" not in row.body and "SECRET-TOKEN" not in row.url


def test_daily_digest_collects_held_messages_once_a_day(
    alice, smtp, eager, django_capture_on_commit_callbacks
):
    preference_set(actor=None, person=alice, kind=ROLES.code, delivery=Delivery.DAILY)
    _send([alice], key="wg.roles:a")
    _send([alice], key="wg.roles:b")
    assert smtp.messages == []
    assert Notification.objects.filter(status=NotificationStatus.HELD).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        _send([alice], key="wg.roles:c")
        assert digests_send() == 0  # the day's digest went out; c waits for tomorrow
    assert len(smtp.messages) == 1
    body = smtp.messages[0].get_payload(decode=True).decode()
    assert body.count("You are now a member") == 2
    assert Notification.objects.filter(status=NotificationStatus.DIGESTED).count() == 2
    tomorrow = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(now=tomorrow) == 1
    assert len(smtp.messages) == 2


def test_the_unsubscribe_link_turns_the_kind_off(alice, client):
    token = unsubscribe_token(person_id=alice.pk, kind=ROLES.code)
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200 and "Your roles" in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a mail scanner's GET changes nothing
    done = client.post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert NotificationPreference.objects.get(person=alice).delivery == Delivery.NEVER


@pytest.mark.parametrize("token", ["made-up", "eyJwIjoxfQ:1abc:bad"])
def test_a_forged_unsubscribe_link_is_a_404(alice, client, token):
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 404


def test_unsubscribing_from_a_transactional_kind_is_refused(alice):
    from core.errors import DomainError

    with pytest.raises(DomainError, match="always sent"):
        unsubscribe(token=unsubscribe_token(person_id=alice.pk, kind="wg.invitation"))


def test_the_reaper_requeues_lost_and_stalled_messages(alice, smtp, eager):
    rows = _send([alice])
    old = timezone.now() - timedelta(minutes=30)
    Notification.objects.filter(pk=rows[0].pk).update(created_at=old)
    stuck = _send([alice], key="wg.roles:stuck")[0]
    Notification.objects.filter(pk=stuck.pk).update(
        status=NotificationStatus.SENDING, claimed_at=old, attempts=1
    )
    counts = notifications_requeue_stalled()
    assert counts == {"stalled": 1, "requeued": 2}
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert len(smtp.messages) == 2


def test_a_failed_message_can_be_sent_again_by_a_chair(
    db, chair, smtp, eager, django_capture_on_commit_callbacks
):
    from wg.notifications.sending import notification_retry

    with django_capture_on_commit_callbacks(execute=True):
        row = notification_enqueue(
            kind=ROLES.code,
            event_key="wg.roles:r",
            recipients=[Recipient(email="refused-then-ok@example.org")],
            subject="s",
            template="wg/email/role.txt",
            context={"text": "t"},
        )[0]
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    Notification.objects.filter(pk=row.pk).update(email="fixed@example.org")
    row.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(actor=chair, notification=row)
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and len(smtp.to("fixed@example.org")) == 1


def test_the_beat_schedule_declares_the_outbox_tasks():
    from config.celery import app

    schedule = app.conf.beat_schedule
    tasks = {entry["task"]: entry for entry in schedule.values()}
    for name in (
        "notifications.send_digests",
        "notifications.requeue_stalled",
        "notifications.submission_reminders",
    ):
        assert name in tasks and tasks[name]["options"]["queue"] == "control"


def test_a_send_task_run_twice_sends_once(alice, smtp):
    from wg.notifications.sending import notification_send

    row = _send([alice])[0]
    first = notification_send(notification_id=row.pk)
    second = notification_send(notification_id=row.pk)
    assert (first.status, second.status) == (NotificationStatus.SENT, "not queued")
    assert len(smtp.messages) == 1
