"""Celery tasks of the notification outbox (queue ``control``), and their beat schedule.

Tasks are thin: they call one service. Sending retries transient failures with the delay the
service computes; the reaper re-queues what a lost message or a dead worker left behind.
"""

from __future__ import annotations

from celery import current_app, shared_task
from celery.schedules import crontab

from wg.notifications import digest, sending


@shared_task(
    name="notifications.send",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,  # the service counts attempts and gives up with a recorded failure
    soft_time_limit=90,
    time_limit=120,
)
def send_notification_task(self, notification_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        outcome = sending.notification_send(notification_id=notification_id)
    except Exception as exc:
        sending.notification_mark_failed(
            notification_id=notification_id, error=f"{type(exc).__name__}: {exc}"
        )
        raise
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)


@shared_task(
    name="notifications.send_digests", ignore_result=True, soft_time_limit=600, time_limit=660
)
def send_digests_task() -> int:
    return digest.digests_send()


@shared_task(
    name="notifications.requeue_stalled", ignore_result=True, soft_time_limit=60, time_limit=90
)
def requeue_stalled_notifications_task() -> dict[str, int]:
    return sending.notifications_requeue_stalled()


# Declared here, next to the tasks; Celery beat reads them from the app's configuration.
current_app.add_periodic_task(
    crontab(hour=15, minute=0),  # 07:00 or 08:00 in Pacific time, before the working day
    current_app.signature("notifications.send_digests"),
    name="notifications-daily-digest",
    queue="control",
)
current_app.add_periodic_task(
    300.0,
    current_app.signature("notifications.requeue_stalled"),
    name="notifications-requeue-stalled",
    queue="control",
    expires=290,
)
