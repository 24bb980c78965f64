"""The embedded Redis server: one owner at a time, and what a process queues while nothing
serves is kept (append-only file) for the worker that runs next. Real server processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import redis

from core.embedded_broker import EmbeddedBroker, stop_process

ROOT = Path(__file__).resolve().parents[2]
ENQUEUE = (
    "import django; django.setup();"
    "from core.dispatch import enqueue;"
    "print(enqueue('submissions.process_version', 41, queue='validate'))"
)


def _enqueue_in_a_command(var_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "WG_BROKER"))}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(var_dir), "LOG_LEVEL": "ERROR"}
    )
    return subprocess.run(
        [sys.executable, "-c", ENQUEUE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _queued(broker: EmbeddedBroker) -> int:
    return int(redis.Redis(unix_socket_path=str(broker.socket)).llen("validate"))


def test_a_command_run_while_nothing_serves_keeps_what_it_queued_for_later(tmp_path):
    broker = EmbeddedBroker(tmp_path / "var" / "broker")
    result = _enqueue_in_a_command(tmp_path / "var")
    assert result.stdout.strip() == "True", result.stderr
    assert not broker.ping()  # the command stopped the server it started
    with broker.ownership(wait=5):  # as serve does later
        server = broker.start()
        try:
            assert _queued(broker) == 1
        finally:
            stop_process(server)


def test_a_command_run_while_serve_owns_the_broker_uses_that_server(tmp_path):
    broker = EmbeddedBroker(tmp_path / "var" / "broker")
    with broker.ownership(wait=5):
        server = broker.start()
        try:
            result = _enqueue_in_a_command(tmp_path / "var")
            assert result.stdout.strip() == "True", result.stderr
            assert broker.ping() and _queued(broker) == 1
        finally:
            stop_process(server)


def test_a_second_owner_is_refused_while_the_first_holds_it(tmp_path):
    import pytest

    from core.embedded_broker import BrokerUnavailable

    broker = EmbeddedBroker(tmp_path / "broker")
    held = broker.ownership(wait=1)
    refused = pytest.raises(BrokerUnavailable, match=f"process {os.getpid()}")
    with held, refused, broker.ownership(wait=0.2):
        pass


def test_a_folder_too_deep_for_a_socket_gets_a_short_stable_one(tmp_path):
    deep = tmp_path / ("d" * 120)
    first, again = EmbeddedBroker(deep).socket, EmbeddedBroker(deep).socket
    assert first == again and len(os.fsencode(first)) <= 100
    assert EmbeddedBroker(tmp_path / "other" / ("d" * 120)).socket != first
