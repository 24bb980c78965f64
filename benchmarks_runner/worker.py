"""A Celery worker becomes a runner: ``celery -A config.celery worker -P solo
--runner-name NAME --runner-class CLASS`` (``manage.py runner`` starts exactly that).

The step probes the machine, registers (token, name, fingerprint), makes the worker consume
only ``hw.<class>`` and ``host.<name>``, and keeps a heartbeat thread. The heartbeat learns
whether a chair paused or drained the runner (it then stops consuming, and resumes) and
whether another process took its name over (it then shuts down). The solo pool matters: the
run task executes in this very process, so a runner killed with SIGKILL takes its run's
monitoring with it and the reaper sees the heartbeats stop.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from pathlib import Path
from typing import Any

import click
from celery import bootsteps
from celery.exceptions import WorkerShutdown

log = logging.getLogger("benchmarks_runner.runner")

_current: Any = None
refusal = ""
"""Why registration was refused, for ``manage.py runner`` to exit non-zero (the celery CLI
exits with status 2 by itself, but not when started in-process)."""


def current_runner() -> Any:
    """The ``RunnerIdentity`` of this process, or None if it is not a runner."""
    return _current


def install(app: Any) -> None:
    """Add the runner options and step to a Celery app (before its command line is parsed)."""
    options = app.user_options["worker"]
    options.add(click.Option(["--runner-name"], default=None, help="Runner name (required)."))
    options.add(click.Option(["--runner-class"], default=None, help="Hardware class, e.g. cpu."))
    app.steps["worker"].add(RunnerStep)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


class RunnerStep(bootsteps.StartStopStep):
    label = "benchmark runner"

    def __init__(
        self,
        worker: Any,
        runner_name: str | None = None,
        runner_class: str | None = None,
        **kw: Any,
    ) -> None:
        self.runner_name, self.runner_class = runner_name, runner_class
        self.enabled = bool(runner_name or runner_class)
        if not self.enabled:
            return
        if not runner_name or not runner_class:
            raise click.UsageError("a runner needs both --runner-name and --runner-class")
        # Exactly its two queues, whatever -Q said: a runner never takes control or
        # validation work, which would block its single slot.
        worker.app.amqp.queues.select([f"hw.{runner_class}", f"host.{runner_name}"])
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, worker: Any) -> None:
        global _current, refusal
        from django.conf import settings

        from benchmarks_runner import hardware, sysinfo
        from benchmarks_runner.execution import RunnerIdentity
        from benchmarks_runner.services.hosts import RegistrationRefused, host_register
        from benchmarks_runner.services.recovery import runs_dispatch_waiting

        probe = hardware.probe()
        for problem in probe.problems:
            log.warning("hardware probe: %s", problem)
        config = settings.RUNNER_SYSINFO_CONFIG
        description = sysinfo.capture(Path(config) if config else None, ruleset="6.1.0")
        token = os.environ.get("RUNNER_TOKEN", "") or settings.RUNNER_TOKEN
        try:
            registration = host_register(
                name=self.runner_name or "",
                hardware_class=self.runner_class or "",
                token=token,
                probe=probe,
                machine=socket.gethostname(),
                pid=os.getpid(),
                system_description=description,
                pid_alive=_pid_alive,
            )
        except RegistrationRefused as exc:
            log.critical("runner refused: %s", exc)
            refusal = str(exc)
            raise WorkerShutdown(2) from exc
        _current = RunnerIdentity(
            name=registration.host.name,
            session=registration.session,
            hardware_class=registration.host.hardware_class,
            platform=probe.summary,
        )
        log.warning(
            "runner %s (class %s) registered: %s, fingerprint %s",
            _current.name,
            _current.hardware_class,
            probe.summary,
            probe.fingerprint[:12],
        )
        self._thread = threading.Thread(
            target=self._beat, args=(worker,), name="runner-heartbeat", daemon=True
        )
        self._thread.start()
        runs_dispatch_waiting(host_name=_current.name)

    def _beat(self, worker: Any) -> None:
        from django.conf import settings
        from django.db import close_old_connections

        from benchmarks_runner.models import HostMode
        from benchmarks_runner.services.hosts import host_heartbeat
        from benchmarks_runner.services.recovery import runs_dispatch_waiting

        mode = HostMode.ACTIVE
        while not self._stop.wait(settings.RUNNER_HEARTBEAT_SECONDS):
            try:
                state = host_heartbeat(name=_current.name, session=_current.session)
            except Exception:  # a database hiccup: try again at the next beat
                log.exception("heartbeat failed")
                close_old_connections()
                continue
            if not state.current:
                log.critical("another process took the name %s over; stopping", _current.name)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if state.mode != mode:
                self._consume(worker, state.mode == HostMode.ACTIVE)
                if state.mode == HostMode.ACTIVE:
                    runs_dispatch_waiting(host_name=_current.name)
                log.warning("runner %s is now %s", _current.name, state.mode)
                mode = state.mode

    def _consume(self, worker: Any, on: bool) -> None:
        # Through the worker's own remote-control channel: the consumer is only safe to
        # change from its own loop, which runs the command between tasks.
        control = worker.app.control
        for queue in (f"hw.{self.runner_class}", f"host.{self.runner_name}"):
            if on:
                control.add_consumer(queue, destination=[worker.hostname], reply=False)
            else:
                control.cancel_consumer(queue, destination=[worker.hostname], reply=False)

    def stop(self, worker: Any) -> None:
        self._stop.set()
        if _current is None:
            return
        from benchmarks_runner.services.hosts import host_stop

        try:
            host_stop(name=_current.name, session=_current.session)
        except Exception:
            log.exception("could not record the runner's stop")
