"""The notification outbox, per-person delivery preferences, and the mailing-list archive."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from wg.models.organizations import Person


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DAILY = "daily", "In a daily digest"
    NEVER = "never", "Never"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    HELD = "held", "Held for the daily digest"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent"
    DIGESTED = "digested", "Sent in a digest"


class Notification(models.Model):
    """One message to one recipient: the outbox row. ``(event_key, recipient_key)`` is unique,
    so an event announced twice (a task run again, two beats) writes and sends one message."""

    TRANSITIONS: dict[str, frozenset[str]] = {
        NotificationStatus.QUEUED: frozenset({NotificationStatus.SENDING}),
        NotificationStatus.HELD: frozenset({NotificationStatus.DIGESTED}),
        # Back to QUEUED after a transient error (retried with backoff) or a stalled send.
        NotificationStatus.SENDING: frozenset(
            {NotificationStatus.SENT, NotificationStatus.QUEUED, NotificationStatus.FAILED}
        ),
        # A chair may retry a failed message once the cause is fixed.
        NotificationStatus.FAILED: frozenset({NotificationStatus.QUEUED}),
        NotificationStatus.SENT: frozenset(),
        NotificationStatus.SKIPPED: frozenset(),
        NotificationStatus.DIGESTED: frozenset(),
    }

    kind = models.CharField(max_length=50, db_index=True)
    event_key = models.CharField(max_length=200)
    recipient_key = models.CharField(max_length=260, help_text="person:<id> or the address")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    email = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True, help_text="The page the message is about")
    sensitive = models.BooleanField(
        default=False, help_text="Carries a secret link: the body is erased once sent"
    )
    unsubscribe = models.BooleanField(default=True, help_text="Offers an unsubscribe link")
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="digested"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient_key"], name="one_message_per_event_and_recipient"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.email or self.recipient_key}: {self.subject}"


class NotificationPreference(models.Model):
    """How a person wants one kind of notification; without a row the kind's default holds."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=50)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.kind} {self.delivery}"


class Announcement(models.Model):
    """A message to the working group's mailing list, kept as the list's archive."""

    event_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    list_address = models.EmailField(blank=True, help_text="Empty: WG_MAILING_LIST was not set")
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="announcement"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
