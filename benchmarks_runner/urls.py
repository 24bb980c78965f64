from django.urls import path

from benchmarks_runner import views

app_name = "benchmarks_runner"

urlpatterns = [
    path("runner/", views.index, name="index"),
    path("runner/runs/", views.run_create, name="run-create"),
    path("runner/runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runner/runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("runner/runs/<int:pk>/log/", views.run_log, name="run-log"),
    path("runner/runs/<int:pk>/cancel/", views.run_cancel, name="run-cancel"),
    path("runner/hosts/<slug:name>/", views.host_detail, name="host-detail"),
    path("runner/hosts/<slug:name>/mode/", views.host_mode, name="host-mode"),
    path("runner/benchmarks/<slug:slug>/", views.benchmark_detail, name="benchmark-detail"),
    path("runner/reproduce/", views.reproduce_list, name="reproduce-list"),
    path("runner/reproduce/<int:score_id>/", views.reproduce, name="reproduce"),
]
