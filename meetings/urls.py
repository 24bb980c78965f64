from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("resources/<slug:slug>/file", views.resource_file, name="resource-file"),
]
