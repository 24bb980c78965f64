"""Run the web server, a Celery worker and Celery beat together in the foreground.

``make run`` calls this after migrating and loading the data. Ctrl-C (or SIGTERM) stops all
three; if one of them dies, the others are stopped too, so nothing is left half-running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app with a Celery worker and beat (development and single-host use)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--concurrency", default=os.environ.get("WORKER_CONCURRENCY", "2"))

    def handle(self, *args: Any, host: str, port: str, concurrency: str, **options: Any) -> None:
        python = sys.executable
        queues = ",".join(settings.CELERY_WORKER_QUEUES)
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "config.celery",
                "worker",
                "-Q",
                queues,
                "-c",
                concurrency,
                "-n",
                "local@%h",
                "--loglevel",
                "INFO",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "config.celery",
                "beat",
                "--loglevel",
                "INFO",
                "-s",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        children = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True)
            for name, cmd in commands.items()
        }
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self._announce(host, port, children["web"])
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with status {child.returncode}; stopping.")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.3)
        self._stop_all(children)
        if exit_code:
            raise SystemExit(exit_code)

    def _announce(self, host: str, port: str, web: subprocess.Popen) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and web.poll() is None:
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
                f"  (admin: {url}admin/ — Ctrl-C stops web, worker and beat)\n"
            )
        )

    def _stop_all(self, children: dict[str, subprocess.Popen]) -> None:
        # Each leader gets SIGTERM and shuts its own children down (Celery's warm shutdown);
        # the whole process group is killed only if that takes too long.
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
