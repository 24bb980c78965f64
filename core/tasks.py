"""Service-wide tasks: a heartbeat per queue so /healthz can tell which queues have workers."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat


@shared_task(
    name="core.heartbeat", bind=True, ignore_result=True, time_limit=30, soft_time_limit=20
)
def heartbeat_task(self, queue: str) -> None:  # type: ignore[no-untyped-def]
    WorkerHeartbeat.objects.update_or_create(
        queue=queue,
        defaults={"hostname": self.request.hostname or "unknown", "seen_at": timezone.now()},
    )
