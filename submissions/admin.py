"""Staff back office for submissions: read-mostly; state changes go through the services."""

from django.contrib import admin, messages

from submissions.models import (
    DeadlineExtension,
    Finding,
    HyperparameterBorrowing,
    Objection,
    ObjectionSigner,
    PublishedResult,
    PublishedSystem,
    ResultChange,
    ReviewAssignment,
    Submission,
    SubmissionVersion,
    SubmissionWindow,
)
from submissions.services.processing import version_revalidate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records whose changes carry rules and audit events: they change on the service's pages
    (through the services), never by editing rows here."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(SubmissionWindow)
class SubmissionWindowAdmin(ReadOnlyAdmin):
    list_display = ("round", "opens_at", "deadline", "grace_minutes", "review_ends_at")


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ReadOnlyAdmin):
    list_display = ("window", "organization", "until", "granted_by", "granted_at")


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
class SubmissionAdmin(ReadOnlyAdmin):
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
class SubmissionVersionAdmin(ReadOnlyAdmin):
    list_display = ("submission", "number", "status", "received_at", "size_bytes", "during_review")
    list_filter = ("status", "submission__round", "during_review")
    search_fields = ("submission__organization__name", "sha256", "original_name")
    list_select_related = ("submission__round", "submission__organization")
    actions = [revalidate]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Needed for the re-validate action; every field stays read-only.
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in SubmissionVersion._meta.fields]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("report", "severity", "check_name", "path", "line", "message")
    list_filter = ("severity", "check_name")
    search_fields = ("path", "message", "rule")
    list_select_related = (
        "report__version__submission__organization",
        "report__version__submission__round",
    )


class SignerInline(admin.TabularInline):
    model = ObjectionSigner
    extra = 0
    can_delete = False
    fields = ("organization", "signed_by", "signed_at", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("round", "filed_by", "against", "path", "fix_required", "status", "decided_at")
    list_filter = ("round", "status", "fix_required")
    inlines = (SignerInline,)


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("round", "reviewer", "reviewee", "pool", "computed", "created_by")
    list_filter = ("round", "pool", "computed")


@admin.register(ResultChange)
class ResultChangeAdmin(ReadOnlyAdmin):
    list_display = ("round", "organization", "system", "benchmark", "kind", "requested_at",
                    "cancelled_at")  # fmt: skip
    list_filter = ("round", "kind")


@admin.register(HyperparameterBorrowing)
class HyperparameterBorrowingAdmin(ReadOnlyAdmin):
    list_display = ("round", "organization", "benchmark", "borrowed_from", "declared_at")
    list_filter = ("round",)


@admin.register(PublishedSystem)
class PublishedSystemAdmin(ReadOnlyAdmin):
    list_display = ("round", "result_id", "organization", "system_name", "division", "category")
    list_filter = ("round", "division", "category")
    search_fields = ("organization__name", "system_name", "result_id")


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
