"""A worker takes work only while it reaches the database, and says so.

A Celery consumer step (registered in ``config/celery.py``): before the worker starts consuming,
and then every ``WORKER_STATUS_INTERVAL`` seconds, it checks the database. While the database
does not answer (down, or a wrong ``DATABASE_URL``) the worker stops consuming its queues, so
the tasks go to workers that can do them instead of failing here, and starts again once it
answers. Each check ends with a status note in the broker (``core.worker_status``) that
/healthz reads.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import bootsteps

log = logging.getLogger(__name__)


def database_reachable() -> tuple[bool, str]:
    """Whether the service's tables answer a query. The connection is closed again at once:
    the worker's main process forks pool processes, which must not inherit it."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return False, f"{type(exc).__name__}: {str(exc).strip()[:300]}"
    finally:
        connection.close()
    return True, ""


class DatabaseGate(bootsteps.StartStopStep):
    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.paused: list[str] = []
        self.timer: Any = None
        self.client: Any = None

    def start(self, c: Any) -> None:
        from django.conf import settings

        self.check(c)  # before the event loop starts consuming
        self.timer = c.timer.call_repeatedly(
            settings.WORKER_STATUS_INTERVAL, self.check, (c,), priority=10
        )

    def stop(self, c: Any) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def shutdown(self, c: Any) -> None:
        from core.worker_status import status_withdraw

        self.stop(c)
        try:
            status_withdraw(c.hostname, client=self._client())
        except Exception as exc:  # the broker may be gone; the note expires by itself
            log.info("could not withdraw the worker status: %s", exc)

    def check(self, c: Any) -> None:
        ok, error = database_reachable()
        if not ok and not self.paused:
            self.paused = sorted(q.name for q in c.task_consumer.queues)
            for queue in self.paused:
                c.cancel_task_queue(queue)
            log.error(
                "the database is unreachable (%s): stopped taking work from %s until it answers",
                error,
                ", ".join(self.paused) or "no queue",
            )
        elif ok and self.paused:
            resumed, self.paused = self.paused, []
            for queue in resumed:
                c.add_task_queue(queue)
            log.warning("the database answers again: taking work from %s", ", ".join(resumed))
        self.publish(c, ok, error)

    def publish(self, c: Any, ok: bool, error: str) -> None:
        from core.worker_status import WorkerStatus, status_publish

        consuming = sorted(q.name for q in c.task_consumer.queues) if ok else []
        status = WorkerStatus(
            hostname=c.hostname,
            pid=os.getpid(),
            queues=sorted({q.name for q in c.app.amqp.queues.values()} | set(self.paused)),
            consuming=consuming,
            database_ok=ok,
            database_error=error,
        )
        try:
            status_publish(status, client=self._client())
        except Exception as exc:  # a broker hiccup must not stop the worker's event loop
            log.warning("could not publish the worker status: %s: %s", type(exc).__name__, exc)

    def _client(self) -> Any:
        if self.client is None:
            from core.worker_status import broker_client

            self.client = broker_client()
        return self.client
