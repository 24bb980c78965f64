"""Fixtures for the runner tests: registered hosts, identities, and real runner processes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks_runner.execution import RunnerIdentity
from benchmarks_runner.hardware import Probe
from benchmarks_runner.services.hosts import host_register
from tests.workers import ROOT, test_database_url

EXTRA_BENCHMARKS = Path(__file__).with_name("benchmarks.yaml")

FAKE_FACTS = {
    "architecture": "x86_64",
    "cpu_model": "Test CPU 9000",
    "cpu_sockets": 1,
    "cpu_cores": 2,
    "cpu_threads": 2,
    "memory_gib": 24,
    "accelerators": {},
    "software": {"python": "3.11"},
}


@pytest.fixture(autouse=True)
def runner_settings(settings, tmp_path, monkeypatch):
    settings.RUNNER_BENCHMARKS_FILE = str(EXTRA_BENCHMARKS)
    settings.RUNNER_WORK_DIR = tmp_path / "runner-work"
    settings.RUNNER_KILL_GRACE_SECONDS = 1.0
    settings.RUNNER_ALLOW_TOKENLESS = True
    # The test programs are a module of the test tree, started from the run's own folder.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    return settings


def fake_probe(**facts: object) -> Probe:
    return Probe(facts={**FAKE_FACTS, **facts})


def register(name: str = "cpu-1", hardware_class: str = "cpu", **facts: object) -> RunnerIdentity:
    probe = fake_probe(**facts)
    registration = host_register(
        name=name, hardware_class=hardware_class, token="", probe=probe, machine="testbox", pid=1
    )
    return RunnerIdentity(
        name=name,
        session=registration.session,
        hardware_class=hardware_class,
        platform=probe.summary,
    )


def runner_env(**extra: str) -> dict[str, str]:
    # The test run's broker explicitly, as for the Celery workers of tests.workers.
    broker = {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    prefix = getattr(settings, "CELERY_BROKER_PREFIX", None)
    if prefix:
        broker["CELERY_BROKER_PREFIX"] = prefix
    return {
        **os.environ,
        **broker,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": test_database_url(),
        "PYTHONPATH": str(ROOT),
        "RUNNER_BENCHMARKS_FILE": str(EXTRA_BENCHMARKS),
        "RUNNER_HEARTBEAT_SECONDS": "0.3",
        "RUNNER_OFFLINE_AFTER_SECONDS": "3",
        "RUNNER_KILL_GRACE_SECONDS": "1",
        "RUNNER_ALLOW_TOKENLESS": "true",
        **extra,
    }


@contextmanager
def runner_process(
    name: str, hardware_class: str = "cpu", *, token: str = "", wait_ready: bool = True, **env: str
) -> Iterator[subprocess.Popen]:
    """``manage.py runner`` as a real process on the test database and broker."""
    cmd = [sys.executable, "manage.py", "runner", "--name", name, "--class", hardware_class]
    if token:
        cmd += ["--token", token]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=runner_env(RUNNER_WORK_DIR=tempfile.mkdtemp(prefix="runner-work-"), **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line)
            if " ready." in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    proc.log = log  # type: ignore[attr-defined]
    try:
        if wait_ready and not ready.wait(90):
            raise RuntimeError("runner did not start:\n" + "".join(log[-60:]))
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()


def wait_exit(proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc.returncode
        time.sleep(0.1)
    raise AssertionError("the process did not exit:\n" + "".join(proc.log[-40:]))  # type: ignore[attr-defined]
