from django.urls import path

from submissions.views import manage, results, review, rounds

app_name = "submissions"

urlpatterns = [
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/<str:name>/", rounds.round_detail, name="round-detail"),
    path("rounds/<str:name>/manage/", manage.round_manage, name="round-manage"),
    path("rounds/<str:name>/publish/", manage.round_publish, name="round-publish"),
    path(
        "rounds/<str:name>/assignments/compute/",
        manage.assignments_compute,
        name="assignments-compute",
    ),
    path("rounds/<str:name>/assignments/", manage.assignment_add, name="assignment-add"),
    path(
        "rounds/<str:name>/assignments/<int:pk>/remove/",
        manage.assignment_remove,
        name="assignment-remove",
    ),
    path("rounds/<str:name>/partners/", manage.partner_add, name="partner-add"),
    path("rounds/<str:name>/upload/<slug:org>/", rounds.version_upload, name="version-upload"),
    path("rounds/<str:name>/objections/", review.objection_create, name="objection-create"),
    path(
        "rounds/<str:name>/objections/<int:pk>/decide/",
        review.objection_decide,
        name="objection-decide",
    ),
    path(
        "rounds/<str:name>/objections/<int:pk>/cosign/",
        review.objection_cosign,
        name="objection-cosign",
    ),
    path(
        "rounds/<str:name>/objections/<int:pk>/withdraw/",
        review.objection_withdraw,
        name="objection-withdraw",
    ),
    path(
        "rounds/<str:name>/objections/<int:pk>/acknowledge/",
        review.objection_acknowledge,
        name="objection-acknowledge",
    ),
    path("rounds/<str:name>/changes/", review.result_change_create, name="result-change-create"),
    path(
        "rounds/<str:name>/changes/<int:pk>/cancel/",
        review.result_change_cancel,
        name="result-change-cancel",
    ),
    path("rounds/<str:name>/borrowing/", review.borrowing_create, name="borrowing-create"),
    path(
        "rounds/<str:name>/submissions/<slug:org>/",
        rounds.submission_detail,
        name="submission-detail",
    ),
    path(
        "rounds/<str:name>/submissions/<slug:org>/v<int:number>/",
        rounds.version_detail,
        name="version-detail",
    ),
    path(
        "rounds/<str:name>/submissions/<slug:org>/v<int:number>/revalidate/",
        rounds.version_revalidate,
        name="version-revalidate",
    ),
    path(
        "rounds/<str:name>/submissions/<slug:org>/v<int:number>/progress/",
        rounds.version_progress,
        name="version-progress",
    ),
    path(
        "rounds/<str:name>/submissions/<slug:org>/v<int:number>/files/<path:path>",
        rounds.version_file,
        name="version-file",
    ),
    path("results/", results.results_index, name="results-index"),
    path(
        "results/benchmarks/<slug:benchmark>/",
        results.results_benchmark,
        name="results-benchmark",
    ),
    path("results/<str:name>/", results.results_round, name="results-round"),
    path("results/<str:name>/export.<str:fmt>", results.results_export, name="results-export"),
    path(
        "results/<str:name>/<slug:org>/<str:system>/", results.results_system, name="results-system"
    ),
    path(
        "results/<str:name>/<slug:org>/<str:system>/files/<path:path>",
        results.results_file,
        name="results-file",
    ),
]
