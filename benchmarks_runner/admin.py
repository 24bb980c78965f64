"""Staff back office: read-mostly lists; states change only through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages

from benchmarks_runner.models import HardwareProfile, HostMode, Run, RunAttempt, WorkerHost
from benchmarks_runner.services import hosts, runs
from core.errors import DomainError


@admin.register(HardwareProfile)
class HardwareProfileAdmin(admin.ModelAdmin):
    list_display = ("summary", "hardware_class", "fingerprint", "first_seen_at")
    search_fields = ("summary", "fingerprint")
    readonly_fields = ("fingerprint", "hardware_class", "keys", "summary", "first_seen_at")


@admin.register(WorkerHost)
class WorkerHostAdmin(admin.ModelAdmin):
    list_display = ("name", "hardware_class", "mode", "machine", "heartbeat_at", "stopped_at")
    list_filter = ("hardware_class", "mode")
    search_fields = ("name", "machine")
    readonly_fields = [f.name for f in WorkerHost._meta.fields]
    actions = ["pause", "drain", "resume"]

    def _mode(self, request: Any, queryset: Any, mode: str) -> None:
        for host in queryset:
            hosts.host_set_mode(actor=request.user, name=host.name, mode=mode)
        self.message_user(request, f"{queryset.count()} runner(s) now {mode}.")

    @admin.action(description="Pause (take no new runs)")
    def pause(self, request: Any, queryset: Any) -> None:
        self._mode(request, queryset, HostMode.PAUSED)

    @admin.action(description="Drain (finish the current run, take no new ones)")
    def drain(self, request: Any, queryset: Any) -> None:
        self._mode(request, queryset, HostMode.DRAINING)

    @admin.action(description="Resume")
    def resume(self, request: Any, queryset: Any) -> None:
        self._mode(request, queryset, HostMode.ACTIVE)


class RunAttemptInline(admin.TabularInline):
    model = RunAttempt
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in RunAttempt._meta.fields]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("id", "benchmark", "hardware_class", "status", "attempt", "host", "created_at")
    list_filter = ("status", "benchmark", "hardware_class", "failure_kind")
    search_fields = ("benchmark", "host__name")
    readonly_fields = [f.name for f in Run._meta.fields]
    inlines = [RunAttemptInline]
    actions = ["cancel"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    @admin.action(description="Cancel")
    def cancel(self, request: Any, queryset: Any) -> None:
        for run in queryset:
            try:
                runs.run_cancel(actor=request.user, run_id=run.pk, reason="from the admin")
            except DomainError as exc:
                self.message_user(request, f"Run {run.pk}: {exc}", messages.WARNING)
