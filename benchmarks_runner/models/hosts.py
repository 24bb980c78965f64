"""Worker hosts (runners) and the hardware they run on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class HardwareProfile(models.Model):
    """A distinct piece of hardware, identified by the fingerprint of documented keys
    (``benchmarks_runner.hardware.FINGERPRINT_KEYS``). Scores are kept per profile."""

    fingerprint = models.CharField(max_length=64, unique=True, help_text="SHA-256, hex")
    hardware_class = models.SlugField(max_length=40)
    keys = models.JSONField(help_text="The fingerprint keys and their values")
    summary = models.CharField(max_length=300, help_text="E.g. '2x AMD EPYC 7B13, 31 GiB'")
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["hardware_class", "summary"]

    def __str__(self) -> str:
        return f"{self.summary} [{self.fingerprint[:12]}]"


class HostMode(models.TextChoices):
    """What a chair asked of the runner; whether it is online comes from its heartbeats."""

    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    DRAINING = "draining", "Draining"


class WorkerHost(models.Model):
    """A runner: one process on one machine, serving ``hw.<class>`` and ``host.<name>``.

    ``session`` identifies the live process; a second process with the same name is refused
    while this one sends heartbeats, and takes over once it stopped sending them.
    """

    name = models.SlugField(max_length=63, unique=True)
    hardware_class = models.SlugField(max_length=40)
    mode = models.CharField(max_length=10, choices=HostMode.choices, default=HostMode.ACTIVE)
    profile = models.ForeignKey(
        HardwareProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="hosts"
    )
    facts = models.JSONField(default=dict, help_text="Everything the last probe found")
    system_description = models.JSONField(
        null=True, blank=True, help_text="From mlperf-sysinfo, where it is installed"
    )
    system_description_findings = models.JSONField(default=list)
    session = models.UUIDField(null=True, blank=True)
    machine = models.CharField(max_length=255, blank=True, help_text="The host name it reports")
    pid = models.PositiveIntegerField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the process shut down cleanly"
    )

    class Meta:
        ordering = ["hardware_class", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("benchmarks_runner:host-detail", args=[self.name])

    @property
    def queues(self) -> list[str]:
        return [f"hw.{self.hardware_class}", f"host.{self.name}"]
