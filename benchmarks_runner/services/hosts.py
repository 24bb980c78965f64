"""Runners registering, sending heartbeats and stopping; chairs pausing and draining them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from benchmarks_runner.hardware import FINGERPRINT_KEYS, Probe
from benchmarks_runner.models import HardwareProfile, HostMode, WorkerHost
from benchmarks_runner.sysinfo import SystemDescription
from core.audit import audit_record
from core.errors import DomainError, NotFound, PermissionDenied
from wg.permissions import can_operate_runners
from wg.selectors import api_token_active

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
CLASS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class RegistrationRefused(DomainError):
    """The runner may not start: a bad name or token, or the name is live elsewhere."""


@dataclass(frozen=True)
class Registration:
    host: WorkerHost
    session: uuid.UUID


@dataclass(frozen=True)
class HostState:
    mode: str
    current: bool
    """False once another process took the name over, or the host was removed: stop."""


def offline_before(now: Any = None) -> Any:
    """Heartbeats older than this mean the runner is offline."""
    return (now or timezone.now()) - timedelta(seconds=settings.RUNNER_OFFLINE_AFTER_SECONDS)


def _token_owner(token: str) -> Any:
    if not token:
        if settings.RUNNER_ALLOW_TOKENLESS:
            return None
        raise RegistrationRefused(
            "A runner token is required: set RUNNER_TOKEN or pass --token (create one with "
            "'manage.py api_token USERNAME --name NAME' for a chair or staff account)."
        )
    row = api_token_active(token)
    if row is None:
        raise RegistrationRefused("The runner token is invalid or revoked.")
    if not can_operate_runners(row.user):
        raise RegistrationRefused(
            f"The token's owner ({row.user.username}) may not register runners; use a token of "
            "a chair or staff account."
        )
    return row.user


def host_register(
    *,
    name: str,
    hardware_class: str,
    token: str,
    probe: Probe,
    machine: str,
    pid: int,
    system_description: SystemDescription | None = None,
    pid_alive: Callable[[int], bool] | None = None,
) -> Registration:
    """Register a starting runner process and give it a new session.

    Refused (RegistrationRefused) for a malformed name or class, a bad token, or a name whose
    runner still sends heartbeats. A runner that stopped sending them is taken over: its
    claimed runs are then lost, which the reaper sees from the changed session.
    """
    if not NAME.match(name):
        raise RegistrationRefused(
            f"Runner name {name!r} is not valid: lower-case letters, digits and '-', "
            "at most 63 characters."
        )
    if not CLASS.match(hardware_class):
        raise RegistrationRefused(f"Hardware class {hardware_class!r} is not valid.")
    owner = _token_owner(token)
    now = timezone.now()
    session = uuid.uuid4()
    with transaction.atomic():
        profile, _ = HardwareProfile.objects.get_or_create(
            fingerprint=probe.fingerprint,
            defaults={
                "hardware_class": hardware_class,
                "keys": {k: probe.facts.get(k) for k in FINGERPRINT_KEYS},
                "summary": probe.summary,
            },
        )
        host = WorkerHost.objects.select_for_update().filter(name=name).first()
        if host is not None and _live(host, now) and not _gone(host, machine, pid_alive):
            age = round((now - host.heartbeat_at).total_seconds())
            raise RegistrationRefused(
                f"A runner named '{name}' is already online (machine {host.machine or '?'}, "
                f"pid {host.pid}, last heartbeat {age} s ago); stop it or choose another --name."
            )
        before = {"session": str(host.session) if host and host.session else None}
        host = host or WorkerHost(name=name)
        host.hardware_class = hardware_class
        host.profile = profile
        host.facts = {**probe.facts, "probe_problems": probe.problems}
        if system_description is not None:
            host.system_description = system_description.content
            host.system_description_findings = system_description.findings + (
                [{"message": system_description.error}] if system_description.error else []
            )
        host.session, host.machine, host.pid = session, machine[:255], pid
        host.registered_by, host.registered_at = owner, now
        host.heartbeat_at, host.stopped_at = now, None
        host.save()
        audit_record(
            actor=owner,
            action="workerhost.register",
            obj=host,
            before=before,
            after={
                "session": str(session),
                "class": hardware_class,
                "fingerprint": profile.fingerprint,
                "machine": host.machine,
                "token": bool(token),
            },
        )
    return Registration(host=host, session=session)


def _live(host: WorkerHost, now: Any) -> bool:
    return (
        host.session is not None
        and host.stopped_at is None
        and host.heartbeat_at is not None
        and host.heartbeat_at > offline_before(now)
    )


def _gone(host: WorkerHost, machine: str, pid_alive: Callable[[int], bool] | None) -> bool:
    return (
        pid_alive is not None
        and host.machine == machine[:255]
        and host.pid is not None
        and not pid_alive(host.pid)
    )


def host_heartbeat(*, name: str, session: uuid.UUID) -> HostState:
    """Record that the runner is alive; tells it its mode and whether it is still the one."""
    now = timezone.now()
    updated = WorkerHost.objects.filter(name=name, session=session).update(heartbeat_at=now)
    mode = WorkerHost.objects.filter(name=name).values_list("mode", flat=True).first()
    return HostState(mode=mode or HostMode.ACTIVE, current=bool(updated))


def host_stop(*, name: str, session: uuid.UUID) -> None:
    """A clean shutdown: the runner is offline at once rather than after missed heartbeats."""
    with transaction.atomic():
        host = WorkerHost.objects.select_for_update().filter(name=name, session=session).first()
        if host is None:
            return
        host.stopped_at = timezone.now()
        host.save(update_fields=["stopped_at"])
        audit_record(actor=None, action="workerhost.stop", obj=host)


def host_set_mode(*, actor: Any, name: str, mode: str, reason: str = "") -> WorkerHost:
    """Pause (take no new runs), drain (finish the current run, then take none) or resume."""
    if not can_operate_runners(actor):
        raise PermissionDenied("Only chairs and staff operate runners.")
    if mode not in HostMode.values:
        raise DomainError(f"Unknown mode {mode!r}.")
    with transaction.atomic():
        host = WorkerHost.objects.select_for_update().filter(name=name).first()
        if host is None:
            raise NotFound(f"No runner named '{name}'.")
        if host.mode != mode:
            before = host.mode
            host.mode = mode
            host.save(update_fields=["mode"])
            audit_record(
                actor=actor,
                action=f"workerhost.{mode}",
                obj=host,
                before={"mode": before},
                after={"mode": mode},
                reason=reason,
            )
    return host
