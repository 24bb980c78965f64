"""Taking one edge of a lifecycle table: checked, race-safe and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models

from core.audit import audit_record
from core.errors import InvalidTransition, PermissionDenied
from core.models import AuditEvent
from roadmap.lifecycle import AUTHOR, CHAIR, DIRECT, SYSTEM, Edge, Lifecycle
from wg.permissions import is_chair

_WHO = {
    AUTHOR: "its author or person in charge",
    CHAIR: "a working-group chair",
    SYSTEM: "the service itself",
}


@dataclass(frozen=True)
class Moved:
    """The edge taken and its audit event (whose id names the move, e.g. in notifications)."""

    edge: Edge
    source: str
    event: AuditEvent


def capacities(actor: Any, *, author: bool = False) -> frozenset[str]:
    """In which capacities ``actor`` acts: None is the service itself (tasks, other apps)."""
    if actor is None:
        return frozenset({SYSTEM})
    held = set()
    if is_chair(actor):
        held.add(CHAIR)
    if author:
        held.add(AUTHOR)
    return frozenset(held)


def move(
    *,
    lifecycle: Lifecycle,
    obj: models.Model,
    target: str,
    actor: Any,
    held: frozenset[str],
    via: str = DIRECT,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> Moved:
    """Move ``obj`` (which has a ``status``) to ``target`` along the table, or refuse.

    The update is conditional on the status the caller read, so two concurrent moves cannot
    both win; the loser gets a message to reload. The caller owns the transaction.
    """
    source = obj.status  # type: ignore[attr-defined]
    edge = lifecycle.edge(source, target, via=via)
    if not edge.by & held:
        who = " or ".join(_WHO[b] for b in sorted(edge.by))
        raise PermissionDenied(f"“{edge.action}”: only {who} may do this.")
    changes = dict(changes or {})
    updated = (
        type(obj)._default_manager.filter(pk=obj.pk, status=source).update(status=target, **changes)
    )
    if updated != 1:
        raise InvalidTransition(
            f"This {lifecycle.name} was changed by someone else meanwhile; reload and try again."
        )
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.status = target  # type: ignore[attr-defined]
    event = audit_record(
        actor=actor,
        action=f"{obj._meta.model_name}.transition",
        obj=obj,
        before={"status": source},
        after={"status": target, "action": edge.action, **_plain(changes)},
        reason=reason,
    )
    return Moved(edge=edge, source=source, event=event)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, models.Model):
            out[name] = value.pk
        elif isinstance(value, datetime | date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out
