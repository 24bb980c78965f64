from django.contrib import admin

from roadmap.models import Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "ruleset", "submission_deadline", "publication_date", "published_at")
    readonly_fields = ("published_at",)
    search_fields = ("name", "ruleset")
