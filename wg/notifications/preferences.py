"""A person's choices: how each kind of notification reaches them, and unsubscribing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.audit import audit_record
from core.errors import DomainError, NotFound
from wg.models import Delivery, NotificationPreference, Person
from wg.notifications.kinds import kind_get, kinds_configurable
from wg.notifications.tokens import unsubscribe_read


def preferences_for(person: Person) -> dict[str, str]:
    """Every configurable kind with the person's choice (or the kind's default)."""
    chosen = dict(person.notification_preferences.values_list("kind", "delivery"))
    return {k.code: chosen.get(k.code, k.default) for k in kinds_configurable()}


def preference_set(
    *, actor: Any, person: Person, kind: str, delivery: str
) -> NotificationPreference:
    spec = kind_get(kind)
    if not spec.configurable:
        raise DomainError(f"'{spec.label}' messages are always sent; they cannot be turned off.")
    if delivery not in Delivery.values:
        raise DomainError(f"Choose one of: {', '.join(Delivery.labels)}.")
    with transaction.atomic():
        before = (
            NotificationPreference.objects.filter(person=person, kind=kind)
            .values_list("delivery", flat=True)
            .first()
        )
        pref, _ = NotificationPreference.objects.update_or_create(
            person=person, kind=kind, defaults={"delivery": delivery}
        )
        if before != delivery:
            audit_record(
                actor=actor,
                action="notification_preference.set",
                obj=pref,
                before={"delivery": before or spec.default},
                after={"delivery": delivery},
            )
    return pref


def unsubscribe(*, token: str) -> tuple[Person, str]:
    """Turn off the kind a signed unsubscribe link names; returns the person and kind label."""
    read = unsubscribe_read(token)
    person = Person.objects.filter(pk=read[0]).first() if read else None
    if read is None or person is None:
        raise NotFound("This unsubscribe link is not valid.")
    try:
        spec = kind_get(read[1])
    except ValueError:
        raise NotFound("This unsubscribe link is not valid.") from None
    preference_set(actor=None, person=person, kind=spec.code, delivery=Delivery.NEVER)
    return person, spec.label


def unsubscribe_preview(*, token: str) -> tuple[Person, str] | None:
    read = unsubscribe_read(token)
    person = Person.objects.filter(pk=read[0]).first() if read else None
    if read is None or person is None:
        return None
    try:
        return person, kind_get(read[1]).label
    except ValueError:
        return None
