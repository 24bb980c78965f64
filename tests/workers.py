"""Real Celery worker and beat processes for tests, on the test run's broker and database.

Each process gets the broker URL of this run explicitly (on the embedded default, the server
the session fixture started) and the URL of the test database. A test that waits in vain gets
the processes' logs in its failure message (:func:`wait_for` with ``logs``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database the test is using right now (the test copy, not the real one)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def process_env(extra_env: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_BROKER_PREFIX": settings.CELERY_BROKER_PREFIX,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }


class Process:
    """A child process whose output is collected line by line (and waited on for a marker)."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], marker: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self._marker = marker
        self.ready = threading.Event()
        self.popen = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def log(self) -> list[str]:
        return self.lines

    def _pump(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line)
            if self._marker in line:
                self.ready.set()

    def text(self, last: int = 80) -> str:
        return f"--- {self.name} (pid {self.pid}) ---\n" + "".join(self.lines[-last:])

    def wait_ready(self, timeout: float) -> None:
        if not self.ready.wait(timeout):
            raise RuntimeError(f"{self.name} did not start:\n{self.text()}")

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash or the OOM killer would."""
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def _worker_cmd(queues: list[str], concurrency: int, name: str) -> list[str]:
    return [
        sys.executable, "-m", "celery", "-A", "config.celery", "worker",
        "-Q", ",".join(queues), "-c", str(concurrency),
        "-n", f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h",
        "--loglevel", "INFO", "--without-gossip", "--without-mingle",
    ]  # fmt: skip


def start_worker(
    queues: list[str],
    *,
    concurrency: int = 1,
    extra_env: dict[str, str] | None = None,
    name: str = "test",
    wait: bool = True,
) -> Process:
    proc = Process(
        f"worker {name}",
        _worker_cmd(queues, concurrency, name),
        process_env(extra_env),
        marker=" ready.",
    )
    if wait:
        proc.wait_ready(60)
    return proc


@contextmanager
def celery_worker(
    queues: list[str],
    *,
    concurrency: int = 1,
    extra_env: dict[str, str] | None = None,
    ready_timeout: float = 60,
) -> Iterator[Process]:
    """Start ``celery worker`` in its own process and wait until it consumes; stop it after."""
    proc = start_worker(queues, concurrency=concurrency, extra_env=extra_env, wait=False)
    try:
        proc.wait_ready(ready_timeout)
        yield proc
    finally:
        proc.stop()


@contextmanager
def celery_beat(
    schedule_dir: Path, *, extra_env: dict[str, str] | None = None
) -> Iterator[Process]:
    """Start ``celery beat`` with its schedule file in ``schedule_dir``; stop it after."""
    cmd = [
        sys.executable, "-m", "celery", "-A", "config.celery", "beat",
        "--loglevel", "INFO", "-s", str(schedule_dir / "celerybeat-schedule"),
    ]  # fmt: skip
    proc = Process("beat", cmd, process_env(extra_env), marker="beat: Starting")
    try:
        proc.wait_ready(60)
        yield proc
    finally:
        proc.stop()


def wait_for(
    predicate: Callable[[], Any],
    *,
    timeout: float = 30,
    interval: float = 0.1,
    message: str = "condition",
    logs: list[Process] | None = None,
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    shown = "\n".join(p.text() for p in logs or [])
    raise AssertionError(f"timed out after {timeout}s waiting for {message}\n{shown}")
