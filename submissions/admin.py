"""Staff back office for submissions: read-mostly; state changes go through the services."""

from django.contrib import admin, messages

from submissions.models import (
    DeadlineExtension,
    Finding,
    Objection,
    PublishedResult,
    Submission,
    SubmissionVersion,
    SubmissionWindow,
)
from submissions.services.processing import version_revalidate


@admin.register(SubmissionWindow)
class SubmissionWindowAdmin(admin.ModelAdmin):
    list_display = ("round", "opens_at", "deadline", "grace_minutes", "review_ends_at")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ("window", "organization", "until", "granted_by", "granted_at")
    readonly_fields = ("window", "organization", "until", "reason", "granted_by", "granted_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # granted on the round's page, with a reason and an audit event


class VersionInline(admin.TabularInline):
    model = SubmissionVersion
    extra = 0
    can_delete = False
    fields = ("number", "status", "received_at", "original_name", "size_bytes", "uploaded_by")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("round", "organization", "created_at")
    list_filter = ("round",)
    search_fields = ("organization__name",)
    inlines = (VersionInline,)


@admin.action(description="Validate again (versions whose validation failed to run)")
def revalidate(modeladmin, request, queryset):  # type: ignore[no-untyped-def]
    for version in queryset.filter(status="failed"):
        version_revalidate(actor=request.user, version_id=version.pk)
    messages.info(request, "Failed versions were queued for validation.")


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(admin.ModelAdmin):
    list_display = ("submission", "number", "status", "received_at", "size_bytes", "during_review")
    list_filter = ("status", "submission__round", "during_review")
    search_fields = ("submission__organization__name", "sha256", "original_name")
    list_select_related = ("submission__round", "submission__organization")
    readonly_fields = [f.name for f in SubmissionVersion._meta.fields]
    actions = [revalidate]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("report", "severity", "check_name", "path", "line", "message")
    list_filter = ("severity", "check_name")
    search_fields = ("path", "message", "rule")
    list_select_related = (
        "report__version__submission__organization",
        "report__version__submission__round",
    )


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ("round", "filed_by", "against", "path", "fix_required", "status", "decided_at")
    list_filter = ("round", "status", "fix_required")
    readonly_fields = [f.name for f in Objection._meta.fields]


@admin.register(PublishedResult)
class PublishedResultAdmin(admin.ModelAdmin):
    list_display = (
        "round",
        "organization",
        "system_name",
        "benchmark",
        "score_minutes",
        "division",
    )
    list_filter = ("round", "division", "benchmark")
    search_fields = ("organization__name", "system_name")
    readonly_fields = [f.name for f in PublishedResult._meta.fields]
