from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", views.landing, name="landing"),
    path("dashboard/rounds/<str:name>/", views.round_dashboard, name="round-dashboard"),
    path(
        "dashboard/rounds/<str:name>/registrations/",
        views.registration_create,
        name="registration-create",
    ),
    path(
        "dashboard/rounds/<str:name>/registrations/<slug:org>/delete/",
        views.registration_delete,
        name="registration-delete",
    ),
    path("dashboard/rounds/<str:name>/joint/", views.joint_submission_create, name="joint-create"),
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization-detail"),
]
