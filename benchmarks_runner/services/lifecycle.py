"""The one place where a run's status changes: along ``Run.TRANSITIONS``, race-safe, audited."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from benchmarks_runner.models import Run
from core.audit import audit_record
from core.dispatch import enqueue
from core.errors import InvalidTransition

EXECUTE_TASK = "benchmarks_runner.execute_run"


def transition(
    run: Run,
    to: str,
    *,
    actor: Any = None,
    reason: str = "",
    audit: dict[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Move ``run`` to ``to`` if the table allows it and nobody moved it first.

    Returns False when another process changed the status meanwhile (the caller decides what
    that means); raises InvalidTransition when the table forbids the change.
    """
    if to not in Run.TRANSITIONS[run.status]:
        raise InvalidTransition(f"{run}: cannot go from {run.status} to {to}")
    now = timezone.now()
    moved = Run.objects.filter(pk=run.pk, status=run.status).update(
        status=to, status_changed_at=now, **fields
    )
    if not moved:
        return False
    audit_record(
        actor=actor,
        action=f"run.{to}",
        obj=run,
        before={"status": run.status, "attempt": run.attempt},
        after={"status": to, **(audit or {})},
        reason=reason,
    )
    run.status, run.status_changed_at = to, now
    for name, value in fields.items():
        setattr(run, name, value)
    return True


def dispatch(run_id: int, queue: str) -> None:
    """Send the run's message; call it from ``transaction.on_commit``."""
    enqueue(EXECUTE_TASK, run_id, queue=queue)
