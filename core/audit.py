"""Writing the audit trail. Services call ``audit_record`` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditEvent


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    full_name = getattr(actor, "get_full_name", lambda: "")()
    return full_name or getattr(actor, "username", str(actor))


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` is a user or None for the system (tasks, data loads)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_label=_actor_label(user),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        reason=reason,
    )


def audit_history(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")


def _snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = value
    return out


def upsert_with_audit(
    model: type[models.Model],
    *,
    actor: Any,
    lookup: dict[str, Any],
    values: dict[str, Any],
    reason: str = "",
) -> tuple[models.Model, bool]:
    """Create or update one row and audit only what changed; returns (row, changed).

    The caller owns the transaction. Running it twice with the same values writes nothing,
    which is what makes data loads idempotent without flooding the audit trail.
    """
    fields = list(values)
    obj = model.objects.select_for_update().filter(**lookup).first()
    label = model._meta.model_name
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        audit_record(
            actor=actor,
            action=f"{label}.create",
            obj=obj,
            after=_snapshot(obj, list(lookup) + fields),
            reason=reason,
        )
        return obj, True
    before = _snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    after = _snapshot(obj, fields)
    if before == after:
        return obj, False
    obj.full_clean()
    obj.save()
    changed = [k for k in fields if before[k] != after[k]]
    audit_record(
        actor=actor,
        action=f"{label}.update",
        obj=obj,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
        reason=reason,
    )
    return obj, True
