from django.contrib import admin

from meetings.models import MeetingSeries, Resource


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "rrule", "start_time", "duration_minutes", "time_zone")


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "visibility", "organization", "round", "position")
    list_filter = ("visibility",)
    search_fields = ("title", "description", "url")
