"""The daily digest: messages held for people who chose it, sent as one message a day."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.timezones import to_wg_time
from wg.models import Notification, NotificationStatus
from wg.notifications.kinds import DIGEST
from wg.notifications.outbox import Recipient, notification_enqueue


def digests_send(*, now: datetime | None = None) -> int:
    """Send each person with held messages one digest for the day (Pacific). Held rows move
    to DIGESTED with the digest they went in. Run twice the same day, it sends nothing more:
    the digest's event key names the day, and later held rows wait for tomorrow."""
    now = now or timezone.now()
    day = to_wg_time(now).date().isoformat()
    person_ids = (
        Notification.objects.filter(status=NotificationStatus.HELD, person__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    sent = 0
    for person_id in list(person_ids):
        with transaction.atomic():
            held = list(
                Notification.objects.select_for_update()
                .filter(status=NotificationStatus.HELD, person_id=person_id)
                .order_by("created_at", "id")
            )
            if not held:
                continue
            created = notification_enqueue(
                kind=DIGEST.code,
                event_key=f"{DIGEST.code}:{day}",
                recipients=[Recipient(email=held[-1].email, person_id=person_id)],
                subject=f"MLPerf Training WG: {len(held)} update{'s' if len(held) > 1 else ''} ({day})",
                template="wg/email/digest.txt",
                context={"items": held, "day": day},
            )
            if not created:
                continue
            Notification.objects.filter(
                pk__in=[n.pk for n in held], status=NotificationStatus.HELD
            ).update(status=NotificationStatus.DIGESTED, digest=created[0])
            sent += 1
    return sent
