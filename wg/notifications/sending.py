"""Sending outbox rows: claim, send outside any transaction, record the outcome.

A transient failure (the server is away, busy, or answers 4xx) puts the row back in the queue
with a growing delay, up to ``MAX_ATTEMPTS``; a permanent one (5xx: the address or the message
is refused) is recorded as failed with the server's answer, for a chair to see and retry.
"""

from __future__ import annotations

import random
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from core.errors import InvalidTransition
from wg.models import Notification, NotificationStatus
from wg.notifications.outbox import absolute_url, notifications_dispatch
from wg.notifications.tokens import unsubscribe_token

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 60  # doubled after each failed attempt, capped at MAX_BACKOFF
MAX_BACKOFF_SECONDS = 3600
STALLED_AFTER = timedelta(minutes=10)
REDACTED = "[This message carried a personal link; it was removed once the message was sent.]"


@dataclass(frozen=True)
class SendOutcome:
    status: str
    retry_in: int | None = None


def is_transient(exc: BaseException) -> bool:
    """Whether trying again later may succeed (SMTP 4xx, a dropped or refused connection)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False  # e.g. the server does not support what the message needs
    return isinstance(exc, OSError)  # connection refused or reset, timeouts, DNS


def backoff_seconds(attempts: int) -> int:
    delay = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** max(0, attempts - 1))
    return int(delay * random.uniform(0.8, 1.2))  # spread retries after an outage


def notification_send(*, notification_id: int) -> SendOutcome:
    """Send one queued message. Safe to run twice: only the run that claims the row sends."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.QUEUED
    ).update(status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return SendOutcome("not queued")
    notification = Notification.objects.get(pk=notification_id)
    try:
        _message(notification).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_transient(exc) and notification.attempts < MAX_ATTEMPTS:
            delay = backoff_seconds(notification.attempts)
            _move(
                notification,
                NotificationStatus.QUEUED,
                last_error=error,
                next_attempt_at=now + timedelta(seconds=delay),
            )
            return SendOutcome(NotificationStatus.QUEUED, retry_in=delay)
        _fail(notification, error)
        return SendOutcome(NotificationStatus.FAILED)
    fields: dict[str, Any] = {"sent_at": timezone.now(), "last_error": ""}
    if notification.sensitive:
        fields["body"] = REDACTED
    _move(notification, NotificationStatus.SENT, **fields)
    return SendOutcome(NotificationStatus.SENT)


def notification_mark_failed(*, notification_id: int, error: str) -> None:
    """The sending task crashed for a reason the service did not foresee: record it."""
    notification = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.SENDING
    ).first()
    if notification is not None:
        _fail(notification, error[:2000])


def notification_retry(*, actor: Any, notification: Notification) -> Notification:
    """Queue a failed message again (after its cause was fixed), with fresh attempts."""
    with transaction.atomic():
        if not _move(notification, NotificationStatus.QUEUED, attempts=0, next_attempt_at=None):
            raise InvalidTransition("Only a failed message can be sent again.")
        audit_record(actor=actor, action="notification.retry", obj=notification)
        transaction.on_commit(lambda: notifications_dispatch([notification.pk]))
    return notification


def notifications_requeue_stalled(*, now: datetime | None = None) -> dict[str, int]:
    """The reaper: a message whose task was lost, or whose worker died mid-send, is queued
    again. A worker killed after the server accepted the message but before it was recorded
    is the one case that can send a message twice; losing it would be worse."""
    now = now or timezone.now()
    stalled = list(
        Notification.objects.filter(
            status=NotificationStatus.SENDING, claimed_at__lt=now - STALLED_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in stalled:
        Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
            status=NotificationStatus.QUEUED, last_error="The sending worker stopped; retrying."
        )
    waiting = list(
        Notification.objects.filter(status=NotificationStatus.QUEUED)
        .filter(
            Q(next_attempt_at__lt=now - STALLED_AFTER)
            | Q(next_attempt_at__isnull=True, created_at__lt=now - STALLED_AFTER)
        )
        .values_list("pk", flat=True)
    )
    ids = sorted(set(stalled) | set(waiting))
    notifications_dispatch(ids)
    return {"stalled": len(stalled), "requeued": len(ids)}


def _move(notification: Notification, to: str, **fields: Any) -> bool:
    current = notification.status
    if to not in Notification.TRANSITIONS[current]:
        raise InvalidTransition(f"A {current} message cannot become {to}.")
    moved = Notification.objects.filter(pk=notification.pk, status=current).update(
        status=to, **fields
    )
    if moved:
        notification.status = to
        for name, value in fields.items():
            setattr(notification, name, value)
    return bool(moved)


def _fail(notification: Notification, error: str) -> None:
    # Sent messages are recorded by their row; only failures go to the audit trail, where a
    # chair looking for "why did AMD never hear about this" will look.
    with transaction.atomic():
        fields: dict[str, Any] = {"last_error": error}
        if notification.sensitive:
            fields["body"] = REDACTED
        if _move(notification, NotificationStatus.FAILED, **fields):
            audit_record(
                actor=None,
                action="notification.failed",
                obj=notification,
                after={"attempts": notification.attempts},
                reason=error,
            )


def _message(notification: Notification) -> EmailMessage:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    headers = {
        # A stable id lets mail clients drop the rare duplicate a crashed worker may cause.
        "Message-ID": f"<wg-notification-{notification.pk}@{host}>",
        "Auto-Submitted": "auto-generated",
        "X-WG-Notification": notification.kind,
    }
    if notification.unsubscribe and notification.person_id:
        token = unsubscribe_token(person_id=notification.person_id, kind=notification.kind)
        link = absolute_url(reverse("wg:unsubscribe", kwargs={"token": token}))
        # RFC 8058: mail clients offer a one-click unsubscribe button that POSTs to the link.
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers=headers,
    )
