"""Work that survives dead workers: who holds a piece of work, and a heartbeat that tells slow
work from dead work (which errors are the infrastructure's: ``core.retry``).

A task claims a row (a version to unpack, a folder to check) with a conditional update that
records its :class:`Execution`; while it works, :func:`heartbeat` refreshes the row's
``heartbeat_at``. The reaper re-queues a claim whose heartbeat went quiet. A task retried after
an infrastructure error, or redelivered because its worker process died, carries the same task
id and so finds its own claim again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connections
from django.db.models import QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Execution:
    """One run of a task. Celery keeps the task id across retries and redeliveries and counts
    retries, so a redelivery (the worker process died) and a retry are told apart."""

    task_id: str
    retries: int = 0

    @property
    def token(self) -> str:
        return f"{self.task_id}#{self.retries}"

    def owns(self, claimed_by: str) -> bool:
        """The claim was made by this task (this run, or an earlier run of it)."""
        return claimed_by.startswith(f"{self.task_id}#")

    def is_redelivery(self, claimed_by: str) -> bool:
        """This very run claimed it before: the process that ran it died mid-way."""
        return claimed_by == self.token


@contextmanager
def heartbeat(rows: QuerySet, *, every: float) -> Iterator[None]:
    """Refresh ``heartbeat_at`` on ``rows`` every ``every`` seconds until the block ends.

    A thread does it so that long, CPU-bound work (unpacking, checking) keeps its claim without
    sprinkling calls through that code. ``rows`` should filter on the claim, so a claim the
    reaper gave to someone else stops being refreshed.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                rows.update(heartbeat_at=timezone.now())
        except DatabaseError as exc:
            # The work itself will hit the same error and be retried; nothing to add here.
            log.warning("heartbeat stopped: %s: %s", type(exc).__name__, exc)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name="work-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 30)
