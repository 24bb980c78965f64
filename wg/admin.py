from django.contrib import admin

from wg.models import (
    Announcement,
    ApiToken,
    Invitation,
    JointSubmission,
    Membership,
    Notification,
    Organization,
    Person,
    RoleAssignment,
    RoundRegistration,
    WorkingGroup,
)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "slug")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "website")
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    list_filter = ("parent",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organization",)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "title", "github_handle", "user")
    search_fields = ("full_name", "github_handle", "emails", "user__username")
    inlines = (MembershipInline, RoleInline)
    autocomplete_fields = ("user",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("person", "role", "organization", "round_name", "start", "end")
    list_filter = ("role", "organization")
    list_select_related = ("person", "organization")
    search_fields = ("person__full_name", "organization__name", "round_name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "token_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # created by their owner on /accounts/tokens/, shown to them once

    search_fields = ("name", "user__username", "prefix")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made on /wg/members/ (their link is only in the email); here staff look."""

    list_display = ("email", "full_name", "organization", "status", "created_at", "expires_at")
    list_filter = ("status",)
    search_fields = ("email", "full_name")
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "email", "subject", "status", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("email", "subject", "event_key")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "list_address")
    readonly_fields = [f.name for f in Announcement._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


class _RecordedByServices(admin.ModelAdmin):
    """Shown, never edited here: the chairs' dashboard records these through services, with
    their audit events (a joint pair grants review access)."""

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RoundRegistration)
class RoundRegistrationAdmin(_RecordedByServices):
    list_display = ("round", "organization", "registered_by", "registered_at")
    list_filter = ("round",)


@admin.register(JointSubmission)
class JointSubmissionAdmin(_RecordedByServices):
    list_display = ("round", "first", "second", "note")
    list_filter = ("round",)
