from django.contrib import admin

from roadmap.models import Benchmark, BenchmarkVersion, Round


class BenchmarkVersionInline(admin.TabularInline):
    model = BenchmarkVersion
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "ruleset", "submission_date", "publication_date", "published_at")
    readonly_fields = ("published_at",)
    search_fields = ("name", "ruleset")
    inlines = (BenchmarkVersionInline,)


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "area", "task", "quality_target")
    search_fields = ("slug", "name", "task", "dataset")
