"""Run the whole service in the foreground: the embedded broker, gunicorn, a Celery worker and
Celery beat, supervised (``core.supervisor``).

``make run`` calls this after migrating and loading the data. A child that dies is restarted
with backoff and a line saying why, while the others keep running; Ctrl-C (or SIGTERM) stops
everything. Each child is one entry of ``children()``: another long-running process of the
service is one more ``ChildSpec`` there.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.embedded_broker import SUPERVISED_ENV, BrokerUnavailable, EmbeddedBroker
from core.supervisor import ChildSpec, Supervisor


def default_web_workers() -> int:
    # Processes for CPU (templates, JSON), threads for waiting on uploads and the database.
    return max(2, min(4, os.cpu_count() or 1))


def children(*, host: str, port: str, concurrency: str, web_workers: int) -> list[ChildSpec]:
    python = sys.executable
    specs: list[ChildSpec] = []
    if settings.EMBEDDED_BROKER_DIR is not None:
        broker = EmbeddedBroker(settings.EMBEDDED_BROKER_DIR)

        def clear_orphan() -> None:
            if broker.ping():  # a server left by an earlier owner that was killed
                broker.shutdown()

        specs.append(
            ChildSpec(
                "broker",
                broker.command(),
                ready=broker.ping,
                ready_timeout=15,
                before_start=clear_orphan,
            )
        )
    celery = [python, "-m", "celery", "-A", "config.celery"]
    specs += [
        ChildSpec(
            "web",
            [
                python, "-m", "gunicorn", "config.wsgi",
                "--bind", f"{host}:{port}",
                "--workers", str(web_workers),
                "--worker-class", "gthread", "--threads", os.environ.get("WEB_THREADS", "8"),
                # Uploads stream for minutes; gthread workers keep heartbeating meanwhile.
                "--timeout", "120", "--graceful-timeout", "20",
                "--access-logfile", "-", "--error-logfile", "-",
            ],
        ),
        ChildSpec(
            "worker",
            [
                *celery, "worker",
                "-Q", ",".join(settings.CELERY_WORKER_QUEUES),
                "-c", concurrency, "-n", "local@%h", "--loglevel", "INFO",
            ],
            # A warm shutdown waits for running tasks; their work is recorded and re-queued.
            stop_timeout=20,
        ),
        ChildSpec(
            "beat",
            [
                *celery, "beat", "--loglevel", "INFO",
                "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        ),
    ]  # fmt: skip
    return specs


class Command(BaseCommand):
    help = "Serve the service: embedded broker, gunicorn, a Celery worker and beat, supervised."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--concurrency", default=os.environ.get("WORKER_CONCURRENCY", "2"))
        parser.add_argument(
            "--web-workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", default_web_workers())),
        )

    def handle(
        self, *args: Any, host: str, port: str, concurrency: str, web_workers: int, **opts: Any
    ) -> None:
        specs = children(host=host, port=port, concurrency=concurrency, web_workers=web_workers)
        # Children find the broker themselves (the settings derive it); this only tells them
        # that bringing it back is the supervisor's job, not theirs.
        os.environ[SUPERVISED_ENV] = "1"
        supervisor = Supervisor(
            specs, cwd=settings.BASE_DIR, status_file=settings.SERVE_STATUS_FILE, out=sys.stdout
        )
        with ExitStack() as stack:
            if settings.EMBEDDED_BROKER_DIR is not None:
                broker = EmbeddedBroker(settings.EMBEDDED_BROKER_DIR)
                try:
                    # A management command that queued work may own it for a moment.
                    stack.enter_context(broker.ownership(wait=30))
                except BrokerUnavailable as exc:
                    raise CommandError(f"{exc}; stop it first") from None
            supervisor.run(on_started=lambda: self._announce(host, port))

    def _announce(self, host: str, port: str) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # the server answers; /healthz says what is down
            except OSError:
                time.sleep(0.3)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  The working-group service is up at {url}\n"
                f"  (admin: {url}admin/, health: {url}healthz — Ctrl-C stops everything)\n"
            )
        )
