"""Liveness of the parts the service needs: the database and the Celery broker."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from config.celery import app
from core.models import WorkerHeartbeat

log = logging.getLogger(__name__)


def _timed(check: Any) -> dict[str, Any]:
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


def _broker() -> dict[str, Any]:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        driver = conn.transport.driver_type
        if driver == "filesystem":
            # The filesystem transport "connects" even to a missing folder; check it is usable.
            for key in ("data_folder_in", "control_folder"):
                folder = conn.transport_options[key]
                if not os.access(folder, os.W_OK | os.X_OK):
                    raise OSError(f"broker folder {folder} is missing or not writable")
        else:
            conn.default_channel.client.ping()
    return {"transport": driver}


def _workers() -> dict[str, Any]:
    """Seconds since a worker last ran each queue's heartbeat (informational: a queue
    without workers delays work but loses none, so it does not make the service unhealthy)."""
    now = timezone.now()
    try:
        rows = list(WorkerHeartbeat.objects.all())
    except DatabaseError:
        return {}
    return {row.queue: round((now - row.seen_at).total_seconds()) for row in rows}


def health_report() -> dict[str, Any]:
    parts = {"database": _timed(_database), "broker": _timed(_broker)}
    ok = all(p["ok"] for p in parts.values())
    return {
        "ok": ok,
        **parts,
        "worker_heartbeat_age_s": _workers() if parts["database"]["ok"] else {},
    }
