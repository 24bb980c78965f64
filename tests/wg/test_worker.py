"""The control queue served by a real worker process, sending through SMTP to a real server:
one message delivered, one refused and recorded as failed."""

import pytest
from django.db import close_old_connections

from tests.workers import celery_worker, wait_for
from wg.models import Notification, NotificationStatus
from wg.notifications import Recipient, notification_enqueue
from wg.notifications.kinds import ROLES


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_the_outbox_on_the_control_queue(smtp, settings):
    env = {
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "EMAIL_USE_TLS": "false",
    }
    with celery_worker(["control"], extra_env=env) as worker:
        for address in ("dana@amd.example", "refused@amd.example"):
            notification_enqueue(
                kind=ROLES.code,
                event_key="wg.roles:worker",
                recipients=[Recipient(email=address)],
                subject="Hello from the worker",
                template="wg/email/role.txt",
                context={"text": "t"},
            )

        def done():
            close_old_connections()
            states = set(Notification.objects.values_list("status", flat=True))
            return states <= {NotificationStatus.SENT, NotificationStatus.FAILED} and states

        wait_for(done, timeout=60, message="both messages handled")
    rows = {n.email: n for n in Notification.objects.all()}
    assert rows["dana@amd.example"].status == NotificationStatus.SENT, "".join(worker.log[-30:])
    assert rows["refused@amd.example"].status == NotificationStatus.FAILED
    assert "550" in rows["refused@amd.example"].last_error
    assert [m["Subject"] for m in smtp.to("dana@amd.example")] == ["Hello from the worker"]
