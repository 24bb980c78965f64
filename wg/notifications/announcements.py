"""Announcements to the working group's mailing list, archived on the service."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from core.audit import audit_record
from core.errors import DomainError, PermissionDenied
from wg.models import Announcement
from wg.notifications.kinds import ANNOUNCEMENT
from wg.notifications.outbox import Recipient, notification_enqueue
from wg.permissions import can_manage_working_group


def announcement_send(
    *, actor: Any, subject: str, body: str, event_key: str = "", url: str = ""
) -> Announcement:
    """Archive an announcement and send it to ``WG_MAILING_LIST`` (after commit).

    ``actor`` None is the service itself (a window opens, a round is published); a person must
    be a chair or staff. An ``event_key`` makes it once-only: announcing the same event again
    returns the first announcement. Without a list address it is archived and marked not sent.
    """
    if actor is not None and not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff write to the mailing list.")
    subject, body = " ".join(subject.split()), body.strip()
    if not subject or not body:
        raise DomainError("An announcement needs a subject and a text.")
    with transaction.atomic():
        if event_key:
            existing = Announcement.objects.filter(event_key=event_key).first()
            if existing is not None:
                return existing
        address = settings.WG_MAILING_LIST
        try:
            with transaction.atomic():
                announcement = Announcement.objects.create(
                    event_key=event_key or f"announcement:{uuid.uuid4().hex}",
                    subject=subject[:300],
                    body=body,
                    author=actor if getattr(actor, "is_authenticated", False) else None,
                    list_address=address,
                )
        except IntegrityError:
            # Two beats announced the same event at once; the other one won and sends it.
            if not event_key:
                raise
            return Announcement.objects.get(event_key=event_key)
        rows = notification_enqueue(
            kind=ANNOUNCEMENT.code,
            event_key=announcement.event_key,
            recipients=[Recipient(email=address, name="Mailing list")],
            subject=subject,
            template="wg/email/announcement.txt",
            context={"body": body},
            url=url,
        )
        announcement.notification = rows[0] if rows else None
        announcement.save(update_fields=["notification"])
        audit_record(
            actor=actor,
            action="announcement.send",
            obj=announcement,
            after={"subject": announcement.subject, "list": address},
        )
    return announcement
