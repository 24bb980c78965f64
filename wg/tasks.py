"""Celery tasks of the notification outbox (queue ``control``), declared in settings.

Tasks are thin: they call one service. Sending retries transient failures with the delay the
service computes; the reaper re-queues what a lost message or a dead worker left behind.
"""

from __future__ import annotations

from celery import shared_task

from core.retry import INFRASTRUCTURE_ERRORS
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
    except INFRASTRUCTURE_ERRORS as exc:
        # The database or the broker is away: the message is not at fault, so it is neither
        # counted nor failed; the row's claim is picked up again by the reaper if this is lost.
        raise self.retry(exc=exc, countdown=min(120, 2 ** (self.request.retries + 1))) from exc
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
