"""Liveness of what the service needs: the database, the broker, a worker for every queue, and
(under ``manage.py serve``) each supervised process.

The answer is unhealthy (HTTP 503) when the database or the broker does not answer, or when a
required queue (``HEALTH_REQUIRED_QUEUES``) has no live worker that consumes it and reaches the
database: work would pile up unseen. Supervised components are reported (including one that is
restarting) but a restarting beat alone does not make the service unhealthy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.conf import settings
from django.db import connection

from core.supervisor import read_status

if TYPE_CHECKING:
    from core.worker_status import WorkerStatus

log = logging.getLogger(__name__)


def _timed(check: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
    except Exception as exc:  # any failure means "down"
        # The public answer names the kind of failure only (messages can carry host and user
        # names); operators find the whole message in the log.
        log.warning("health check failed: %s: %s", type(exc).__name__, exc)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1), **(detail or {})}


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _broker(workers: list[WorkerStatus]) -> Callable[[], dict[str, Any]]:
    def check() -> dict[str, Any]:
        # Imported here: the Redis client is slow to import and only this check needs it.
        from core.worker_status import broker_client, status_list

        client = broker_client()
        client.ping()
        workers.extend(status_list(client=client))
        embedded = settings.EMBEDDED_BROKER_DIR is not None
        return {"transport": current_app.conf.broker_url.split(":", 1)[0], "embedded": embedded}

    return check


def _queues(workers: list[WorkerStatus]) -> dict[str, dict[str, Any]]:
    return {
        queue: {
            "ok": any(w.serves(queue) for w in workers),
            "workers": sorted(w.hostname for w in workers if w.serves(queue)),
        }
        for queue in settings.HEALTH_REQUIRED_QUEUES
    }


def _worker_rows(workers: list[WorkerStatus]) -> list[dict[str, Any]]:
    now = time.time()
    return [
        {
            "hostname": w.hostname,
            "consuming": w.consuming,
            "alive": w.alive(),
            "database_ok": w.database_ok,
            **({"database_error": w.database_error.split(":", 1)[0]} if w.database_error else {}),
            "seen_s_ago": round(max(0.0, now - w.at), 1),
        }
        for w in sorted(workers, key=lambda w: w.hostname)
    ]


def health_report() -> dict[str, Any]:
    workers: list[WorkerStatus] = []
    database = _timed(_database)
    broker = _timed(_broker(workers))
    queues = _queues(workers)
    report: dict[str, Any] = {
        "ok": database["ok"] and broker["ok"] and all(q["ok"] for q in queues.values()),
        "database": database,
        "broker": broker,
        "queues": queues,
        "workers": _worker_rows(workers),
    }
    components = read_status(settings.SERVE_STATUS_FILE)
    if components is not None:
        report["components"] = components
    return report
