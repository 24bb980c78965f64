"""The staff back office for the roadmap: lists, searches and filters. Statuses are read-only
here; they move only through the services (the pages and the API)."""

from django.contrib import admin

from roadmap.models import (
    Ballot,
    Benchmark,
    BenchmarkVersion,
    Comment,
    Concern,
    Decision,
    DecisionLink,
    Milestone,
    Proposal,
    ProposalLink,
    Round,
    RoundRuleFreeze,
    RuleDocument,
    RuleException,
    RuleRevision,
    Vote,
    VoteReminder,
)


class BenchmarkVersionInline(admin.TabularInline):
    model = BenchmarkVersion
    extra = 0


class MilestoneInline(admin.TabularInline):
    """Shown, not edited: chairs edit milestones on the round's page, which audits them."""

    model = Milestone
    extra = 0
    fields = ("when", "title", "owner", "due_at", "status")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "ruleset",
        "status",
        "submission_date",
        "publication_date",
        "published_at",
    )
    list_filter = ("status",)
    readonly_fields = ("status", "published_at")
    search_fields = ("name", "ruleset")
    inlines = (BenchmarkVersionInline, MilestoneInline)


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "area", "task", "quality_target")
    search_fields = ("slug", "name", "task", "dataset")


class ProposalLinkInline(admin.TabularInline):
    model = ProposalLink
    extra = 0
    readonly_fields = ("kind",)


class ConcernInline(admin.TabularInline):
    model = Concern
    extra = 0
    fields = ("title", "raised_by", "status", "resolution")
    readonly_fields = ("status",)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "status", "target_round", "author", "updated_at")
    list_filter = ("status", "kind", "target_round")
    search_fields = ("title", "body")
    readonly_fields = ("status", "created_at", "updated_at")
    autocomplete_fields = ("author", "person_in_charge")
    filter_horizontal = ("watchers",)
    inlines = (ProposalLinkInline, ConcernInline)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("proposal", "author", "created_at")
    search_fields = ("body",)


class DecisionLinkInline(admin.TabularInline):
    model = DecisionLink
    extra = 0


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "outcome", "method", "round", "decided_at")
    list_filter = ("method", "outcome", "round")
    search_fields = ("reference", "title", "text")
    readonly_fields = ("reference", "tally", "vote", "recorded_by", "recorded_at")
    inlines = (DecisionLinkInline,)


class BallotInline(admin.TabularInline):
    model = Ballot
    extra = 0
    can_delete = False
    readonly_fields = (
        "organization",
        "voting_organization",
        "person",
        "choice",
        "ranking",
        "recuse",
        "cast_at",
    )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # ballots are cast by members, never typed in here


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Read-only: a vote is opened, counted and concluded through its services, and a closed
    vote never changes."""

    list_display = ("pk", "question", "method", "status", "closes_at")
    list_filter = ("status", "method")
    inlines = (BallotInline,)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(VoteReminder)
class VoteReminderAdmin(admin.ModelAdmin):
    list_display = ("vote", "organization", "kind", "sent_at")
    list_filter = ("kind",)


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Rules are imported, frozen and granted through their services (pages, API, command),
    which audit every change; the back office only looks."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RuleDocument)
class RuleDocumentAdmin(_ReadOnlyAdmin):
    list_display = ("slug", "title", "public", "created_at")


@admin.register(RuleRevision)
class RuleRevisionAdmin(_ReadOnlyAdmin):
    list_display = ("document", "number", "status", "date", "decision", "published_at")
    list_filter = ("document", "status")
    search_fields = ("message", "content_hash")
    exclude = ("source", "html")


@admin.register(RoundRuleFreeze)
class RoundRuleFreezeAdmin(_ReadOnlyAdmin):
    list_display = ("round", "ruleset", "rcp_set", "frozen_by", "frozen_at")


@admin.register(RuleException)
class RuleExceptionAdmin(_ReadOnlyAdmin):
    list_display = ("round", "benchmark", "section_path", "decision", "requested_by")
    list_filter = ("round",)
    search_fields = ("section_path", "text")
