"""Registration, heartbeats and modes of runners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from benchmarks_runner.models import HardwareProfile, HostMode, WorkerHost
from benchmarks_runner.services.hosts import (
    RegistrationRefused,
    host_heartbeat,
    host_register,
    host_set_mode,
    host_stop,
)
from core.errors import PermissionDenied
from core.models import AuditEvent
from tests.benchmarks_runner.conftest import fake_probe, register
from wg.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def _register(token: str = "", name: str = "gpu-1", **facts):
    return host_register(
        name=name, hardware_class="gpu", token=token, probe=fake_probe(**facts), machine="m", pid=9
    )


def test_a_runner_registers_with_its_fingerprint_and_an_audit_event():
    registration = _register()
    host = WorkerHost.objects.get(name="gpu-1")
    assert host.session == registration.session
    assert host.profile.fingerprint == fake_probe().fingerprint
    assert host.queues == ["hw.gpu", "host.gpu-1"]
    assert AuditEvent.objects.filter(action="workerhost.register", object_id=str(host.pk)).exists()


def test_a_second_live_runner_with_the_same_name_is_refused():
    _register()
    with pytest.raises(RegistrationRefused, match="already online"):
        _register()


def test_a_runner_that_stopped_sending_heartbeats_is_taken_over(settings):
    first = _register()
    WorkerHost.objects.filter(name="gpu-1").update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.RUNNER_OFFLINE_AFTER_SECONDS + 1)
    )
    second = _register()
    assert second.session != first.session
    assert host_heartbeat(name="gpu-1", session=first.session).current is False
    assert host_heartbeat(name="gpu-1", session=second.session).current is True


def test_a_cleanly_stopped_runner_can_be_restarted_at_once():
    first = _register()
    host_stop(name="gpu-1", session=first.session)
    assert _register().session != first.session


def test_the_same_hardware_keeps_its_profile_and_other_hardware_gets_a_new_one():
    _register(name="a")
    _register(name="b", kernel="6.1-other", software={"torch": "2.0"})
    _register(name="c", memory_gib=48)
    assert HardwareProfile.objects.count() == 2


@pytest.mark.parametrize("name", ["", "UPPER", "has space", "x" * 64, "-lead"])
def test_a_malformed_name_is_refused(name):
    with pytest.raises(RegistrationRefused, match="not valid"):
        _register(name=name)


def test_without_a_token_registration_needs_the_development_switch(settings):
    settings.RUNNER_ALLOW_TOKENLESS = False
    with pytest.raises(RegistrationRefused, match="token is required"):
        _register()


def test_a_wrong_or_revoked_token_is_refused(settings, chair):
    settings.RUNNER_ALLOW_TOKENLESS = False
    with pytest.raises(RegistrationRefused, match="invalid or revoked"):
        _register(token="mlwg_not-a-token")
    token, raw = api_token_create(actor=chair, user=chair, name="runner")
    api_token_revoke(actor=chair, token=token)
    with pytest.raises(RegistrationRefused, match="invalid or revoked"):
        _register(token=raw)


def test_a_member_token_may_not_register_runners(settings, member):
    settings.RUNNER_ALLOW_TOKENLESS = False
    _, raw = api_token_create(actor=member, user=member, name="runner")
    with pytest.raises(RegistrationRefused, match="may not register runners"):
        _register(token=raw)


def test_a_chair_token_registers_and_is_recorded(settings, chair):
    settings.RUNNER_ALLOW_TOKENLESS = False
    _, raw = api_token_create(actor=chair, user=chair, name="runner")
    _register(token=raw)
    assert WorkerHost.objects.get(name="gpu-1").registered_by == chair


def test_chairs_pause_drain_and_resume_and_the_heartbeat_says_so(chair):
    identity = register()
    host_set_mode(actor=chair, name=identity.name, mode=HostMode.PAUSED)
    assert host_heartbeat(name=identity.name, session=identity.session).mode == HostMode.PAUSED
    host_set_mode(actor=chair, name=identity.name, mode=HostMode.DRAINING)
    host_set_mode(actor=chair, name=identity.name, mode=HostMode.ACTIVE)
    actions = list(
        AuditEvent.objects.filter(object_type="benchmarks_runner.workerhost")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["workerhost.paused", "workerhost.draining", "workerhost.active"]


def test_members_may_not_pause_runners(member):
    register()
    with pytest.raises(PermissionDenied):
        host_set_mode(actor=member, name="cpu-1", mode=HostMode.PAUSED)


def test_a_restarted_runner_takes_over_from_its_dead_predecessor_on_the_same_machine():
    first = _register()
    dead = {9}
    again = host_register(
        name="gpu-1", hardware_class="gpu", token="", probe=fake_probe(), machine="m", pid=10,
        pid_alive=lambda pid: pid not in dead,
    )  # fmt: skip
    assert again.session != first.session
    with pytest.raises(RegistrationRefused, match="already online"):
        host_register(
            name="gpu-1", hardware_class="gpu", token="", probe=fake_probe(), machine="other",
            pid=11, pid_alive=lambda pid: False,
        )  # fmt: skip
