"""Writing messages into the outbox: one row per (event, recipient), sent after commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from core.dispatch import enqueue
from wg.models import Delivery, Notification, NotificationPreference, NotificationStatus, Person
from wg.notifications.kinds import Kind, kind_get
from wg.notifications.tokens import unsubscribe_token


@dataclass(frozen=True)
class Recipient:
    """Who receives a message: a person of the working group, or just an address (an invitee,
    the mailing list). Preferences and unsubscribe links need a person."""

    email: str
    person_id: int | None = None
    name: str = ""

    @property
    def key(self) -> str:
        return f"person:{self.person_id}" if self.person_id else self.email.lower()


def person_address(person: Person) -> str:
    """A person's address for notifications: the first one on file, else their login's."""
    if person.primary_email:
        return person.primary_email
    user = person.user if person.user_id else None
    return user.email if user is not None else ""


def recipients_for_people(people: Iterable[Person]) -> list[Recipient]:
    seen: dict[int, Recipient] = {}
    for person in people:
        if person.pk not in seen:
            seen[person.pk] = Recipient(
                email=person_address(person), person_id=person.pk, name=person.full_name
            )
    return list(seen.values())


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def notification_enqueue(
    *,
    kind: str,
    event_key: str,
    recipients: Iterable[Recipient],
    subject: str,
    template: str,
    context: dict[str, Any] | None = None,
    url: str = "",
    sensitive: bool = False,
) -> list[Notification]:
    """Write one message per recipient for an event and send the immediate ones after commit.

    ``event_key`` names the event (``submission.verdict:v42``); a recipient who already has a
    row for it gets nothing new, so callers may announce an event as often as they like.
    ``template`` is a plain-text template rendered per recipient with ``context`` plus
    ``recipient`` and ``url`` (made absolute). The recipient's preference for ``kind`` decides:
    queued now, held for the daily digest, or recorded as not sent; a recipient without an
    address is recorded as not sent too, so the gap shows. ``sensitive`` marks a message that
    carries a secret link: its body is erased once sent. Returns the rows created now.
    Runs in the caller's transaction (or its own).
    """
    spec = kind_get(kind)
    people = list(recipients)
    unique = list({r.key: r for r in people}.values())
    link = absolute_url(url) if url else ""
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(
                event_key=event_key, recipient_key__in=[r.key for r in unique]
            ).values_list("recipient_key", flat=True)
        )
        fresh = [r for r in unique if r.key not in existing]
        deliveries = _deliveries(spec, fresh)
        rows = [
            _row(spec, event_key, r, deliveries[r.key], subject, template, context, link, sensitive)
            for r in fresh
        ]
        created = _insert(rows)
        queued = [n.pk for n in created if n.status == NotificationStatus.QUEUED]
        if queued:
            transaction.on_commit(lambda: notifications_dispatch(queued))
    return created


def notifications_dispatch(ids: list[int]) -> None:
    """Send queued rows by task name (``wg.tasks`` registers it; services never import tasks)."""
    for pk in ids:
        enqueue("notifications.send", pk, queue="control")


def _deliveries(spec: Kind, recipients: list[Recipient]) -> dict[str, str]:
    chosen: dict[int, str] = {}
    if spec.configurable:
        chosen = dict(
            NotificationPreference.objects.filter(
                kind=spec.code, person_id__in=[r.person_id for r in recipients if r.person_id]
            ).values_list("person_id", "delivery")
        )
    return {r.key: chosen.get(r.person_id or 0, spec.default) for r in recipients}


def _row(
    spec: Kind,
    event_key: str,
    recipient: Recipient,
    delivery: str,
    subject: str,
    template: str,
    context: dict[str, Any] | None,
    link: str,
    sensitive: bool,
) -> Notification:
    status, note = NotificationStatus.QUEUED, ""
    if not recipient.email:
        status, note = NotificationStatus.SKIPPED, "No email address on file."
    elif delivery == Delivery.NEVER:
        status, note = NotificationStatus.SKIPPED, "The recipient turned this kind off."
    elif delivery == Delivery.DAILY and recipient.person_id:
        status = NotificationStatus.HELD
    offers_unsubscribe = spec.configurable and recipient.person_id is not None
    body = render_to_string(template, {**(context or {}), "recipient": recipient, "url": link})
    return Notification(
        kind=spec.code,
        event_key=event_key[:200],
        recipient_key=recipient.key,
        person_id=recipient.person_id,
        email=recipient.email,
        subject=" ".join(subject.split())[:300],
        body=body.strip() + _footer(spec, recipient, offers_unsubscribe),
        url="" if sensitive else link[:500],  # a secret link lives only in the body
        sensitive=sensitive,
        unsubscribe=offers_unsubscribe,
        status=status,
        last_error=note,
    )


def _footer(spec: Kind, recipient: Recipient, offers_unsubscribe: bool) -> str:
    lines = ["", "", "-- ", "MLPerf Training working group"]
    if offers_unsubscribe and recipient.person_id:
        token = unsubscribe_token(person_id=recipient.person_id, kind=spec.code)
        lines += [
            f"You receive this as '{spec.label}'. Your notification settings: "
            + absolute_url(reverse("wg:notification-preferences")),
            "Stop these messages: "
            + absolute_url(reverse("wg:unsubscribe", kwargs={"token": token})),
        ]
    return "\n".join(lines) + "\n"


def _insert(rows: list[Notification]) -> list[Notification]:
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        # Another process wrote some of these rows since we looked: keep only ours.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
                created.append(row)
            except IntegrityError:
                row.pk = None
        return created
