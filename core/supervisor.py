"""A small process supervisor: named children, restarted with backoff when they die.

``manage.py serve`` describes its children as a list of :class:`ChildSpec` and hands it to
:class:`Supervisor`. Each child runs in its own process group, its output is passed through with
its name in front, and when it exits the supervisor logs why (status or signal, and its last
line) and starts it again after a delay that doubles with each quick failure (1 s … 60 s) and
resets once it has run for a minute. The other children keep running. SIGINT or SIGTERM stops
them all, in reverse order of start; a supervisor killed outright (SIGKILL) takes them with it,
as each child starts through ``die_with_parent.py``.

The state of every child is written to a JSON file (:func:`read_status`) that /healthz reads,
so the health check can say "worker: restarting (3 restarts)".
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

DIE_WITH_PARENT = Path(__file__).with_name("die_with_parent.py")
STABLE_AFTER = 60.0  # a child that ran this long starts its next restart from the first delay
FIRST_DELAY, LONGEST_DELAY = 1.0, 60.0
STATUS_EVERY = 5.0  # the status file is rewritten at least this often while serving


@dataclass(frozen=True)
class ChildSpec:
    """One supervised process. ``ready`` (optional) returns True once the child serves; the
    next child starts only then (the broker before the processes that need it)."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready: Callable[[], bool] | None = None
    ready_timeout: float = 60.0
    stop_timeout: float = 15.0
    before_start: Callable[[], None] | None = None


@dataclass
class _Child:
    spec: ChildSpec
    process: subprocess.Popen | None = None
    state: str = "starting"
    restarts: int = 0
    started_at: float = 0.0
    next_start_at: float = 0.0
    delay: float = FIRST_DELAY
    last_exit: str = ""
    tail: deque = field(default_factory=lambda: deque(maxlen=20))
    pump: threading.Thread | None = None


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with status {code}"


class Supervisor:
    def __init__(
        self,
        specs: list[ChildSpec],
        *,
        cwd: Path,
        status_file: Path,
        out: IO[str] | None = None,
    ) -> None:
        self.children = [_Child(spec) for spec in specs]
        self.cwd = cwd
        self.status_file = status_file
        self.out = out or sys.stdout
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._status_written = 0.0

    # --- running -----------------------------------------------------------------------------
    def run(self, *, on_started: Callable[[], None] | None = None) -> None:
        """Start every child in order, supervise until SIGINT/SIGTERM, then stop them all."""
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for child in self.children:
                if self.stopping.is_set():
                    break
                self._start(child)
                self._await_ready(child)
            if on_started is not None and not self.stopping.is_set():
                # In a thread: restarts must not wait for it.
                threading.Thread(target=on_started, daemon=True).start()
            while not self.stopping.is_set():
                self._tick()
                self.stopping.wait(0.2)
        finally:
            self.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        if self.stopping.is_set():
            # A second Ctrl-C: do not wait for graceful shutdowns.
            for child in self.children:
                self._kill_group(child)
        self.stopping.set()

    def _tick(self) -> None:
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if child.state == "running" and process is not None and process.poll() is not None:
                self._schedule_restart(child, process.returncode, now)
            elif child.state == "restarting" and now >= child.next_start_at:
                self._start(child)
            elif child.state == "running" and now - child.started_at >= STABLE_AFTER:
                child.delay = FIRST_DELAY
        if now - self._status_written >= STATUS_EVERY:
            self.write_status()

    def _schedule_restart(self, child: _Child, code: int, now: float) -> None:
        ran = now - child.started_at
        if ran >= STABLE_AFTER:
            child.delay = FIRST_DELAY
        if child.pump is not None:
            # The exit can be seen before the output thread has read the last lines; give it a
            # moment (bounded: a grandchild may still hold the pipe open) so the reason is there.
            child.pump.join(timeout=1.0)
        last = child.tail[-1].strip() if child.tail else "(no output)"
        child.last_exit = f"{describe_exit(code)} after {ran:.0f} s"
        child.state = "restarting"
        child.next_start_at = now + child.delay
        self.say(
            f"{child.spec.name} {child.last_exit}; restarting in {child.delay:.0f} s "
            f"(restart {child.restarts + 1}). Its last line: {last}"
        )
        child.delay = min(LONGEST_DELAY, child.delay * 2)
        self.write_status()

    def _start(self, child: _Child) -> None:
        spec = child.spec
        if child.process is not None:
            child.restarts += 1
        if spec.before_start is not None:
            spec.before_start()
        child.process = subprocess.Popen(
            # Through die_with_parent: a child must not outlive a supervisor killed by SIGKILL.
            [sys.executable, str(DIE_WITH_PARENT), str(os.getpid()), "--", *spec.argv],
            cwd=self.cwd,
            env={**os.environ, **spec.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops the children
        )
        child.state, child.started_at = "running", time.monotonic()
        child.pump = threading.Thread(target=self._pump, args=(child, child.process), daemon=True)
        child.pump.start()
        self.write_status()

    def _await_ready(self, child: _Child) -> None:
        ready = child.spec.ready
        if ready is None:
            return
        deadline = time.monotonic() + child.spec.ready_timeout
        while not self.stopping.is_set() and time.monotonic() < deadline:
            if ready():
                return
            if child.process is not None and child.process.poll() is not None:
                break
            time.sleep(0.05)
        self.say(f"{child.spec.name} is not ready yet; starting the others anyway")

    def _pump(self, child: _Child, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        prefix = f"{child.spec.name:>7} | "
        for raw in iter(process.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            child.tail.append(line)
            with self._lock:
                self.out.write(prefix + line + "\n")
                self.out.flush()

    # --- stopping ----------------------------------------------------------------------------
    def stop_all(self) -> None:
        """SIGTERM each child (last started first) and wait; SIGKILL what does not stop."""
        for child in reversed(self.children):
            child.state = (
                "stopping" if child.process and child.process.poll() is None else "stopped"
            )
        self.write_status()
        for child in reversed(self.children):
            process = child.process
            if process is None or process.poll() is not None:
                continue
            try:
                process.terminate()
                process.wait(timeout=child.spec.stop_timeout)
            except subprocess.TimeoutExpired:
                self.say(
                    f"{child.spec.name} did not stop in {child.spec.stop_timeout:.0f} s; killing it"
                )
                self._kill_group(child)
            child.state = "stopped"
        for child in self.children:
            self._kill_group(child)  # whatever a child left behind in its group
            child.state = "stopped"
        self.write_status(final=True)

    @staticmethod
    def _kill_group(child: _Child) -> None:
        process = child.process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait()

    # --- reporting ---------------------------------------------------------------------------
    def say(self, message: str) -> None:
        with self._lock:
            self.out.write(f"  serve | {message}\n")
            self.out.flush()

    def write_status(self, *, final: bool = False) -> None:
        now = time.monotonic()
        self._status_written = now
        components = {}
        for child in self.children:
            entry: dict[str, Any] = {
                "state": child.state,
                "pid": child.process.pid if child.process else None,
                "restarts": child.restarts,
            }
            if child.last_exit:
                entry["last_exit"] = child.last_exit
            if child.state == "restarting":
                entry["restarts_in_s"] = round(max(0.0, child.next_start_at - now), 1)
            components[child.spec.name] = entry
        status = {
            "supervisor_pid": os.getpid(),
            "updated_at": time.time(),
            "serving": not final,
            "components": components,
        }
        self.status_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.status_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(status, indent=1))
        temporary.replace(self.status_file)  # readers never see half a file


def read_status(path: Path, *, max_age: float = 3 * STATUS_EVERY) -> dict[str, Any] | None:
    """The components of a running supervisor, or None (no supervisor, or a stale file)."""
    try:
        status = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not status.get("serving") or time.time() - status.get("updated_at", 0) > max_age:
        return None
    try:
        os.kill(int(status["supervisor_pid"]), 0)
    except (ProcessLookupError, KeyError, ValueError, TypeError):
        return None
    except PermissionError:
        pass  # it exists, under another user
    return status["components"]
