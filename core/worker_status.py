"""What each Celery worker says about itself, kept in the broker for /healthz to read.

Every worker writes a short note every ``WORKER_STATUS_INTERVAL`` seconds (see
``core.worker_gate``): the queues it is configured for, those it consumes right now, and whether
it reaches the database. The note lives in the broker, not the database, so a worker whose
database is unreachable (or misconfigured) can still say so; it expires after three intervals,
so a worker that died unannounced drops out on its own.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import asdict, dataclass, field

import redis
from django.conf import settings

_KEY = "wg:worker-status:"


@dataclass(frozen=True)
class WorkerStatus:
    hostname: str
    pid: int
    queues: list[str]
    consuming: list[str]
    database_ok: bool
    database_error: str = ""
    at: float = field(default_factory=time.time)
    machine: str = field(default_factory=socket.gethostname)

    def serves(self, queue: str) -> bool:
        """It takes work from ``queue`` and can do it (it reaches the database)."""
        return self.database_ok and queue in self.consuming and self.alive()

    def alive(self) -> bool:
        """False for a worker of this machine whose process is gone (killed without a word):
        its note would otherwise be believed until it expires."""
        if self.machine != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True


def broker_client() -> redis.Redis:
    """A plain Redis client for the broker (short timeouts: callers must not hang on it)."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("redis+socket://"):
        url = "unix://" + url.removeprefix("redis+socket://")
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _key(hostname: str) -> str:
    return f"{settings.CELERY_BROKER_PREFIX}{_KEY}{hostname}"


def status_publish(status: WorkerStatus, *, client: redis.Redis) -> None:
    ttl = 3 * settings.WORKER_STATUS_INTERVAL
    client.set(_key(status.hostname), json.dumps(asdict(status)), ex=ttl)


def status_withdraw(hostname: str, *, client: redis.Redis) -> None:
    client.delete(_key(hostname))


def status_list(*, client: redis.Redis) -> list[WorkerStatus]:
    """The live workers' notes (raises redis errors: the caller reports the broker down)."""
    keys = sorted(client.scan_iter(match=_key("*"), count=500))
    notes = [raw for raw in client.mget(keys) if raw] if keys else []
    return [WorkerStatus(**json.loads(raw)) for raw in notes]
