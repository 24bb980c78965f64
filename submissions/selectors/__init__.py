"""Reads that pages and the API share, already filtered by what the user may see.

Selectors never change state and never speak HTTP: what a user may not see is
``core.errors.NotFound``, which the pages and the API turn into a 404.
"""

from submissions.selectors.overview import RoundOverview, round_overview
from submissions.selectors.results import (
    EXPORT_COLUMNS,
    benchmark_across_rounds,
    published_benchmarks,
    published_file_version,
    published_round_get,
    published_rounds,
    published_system_detail,
    results_document,
    results_table,
    score_history,
)
from submissions.selectors.review import (
    assignment_get,
    assignments_visible,
    borrowings_visible,
    objection_get,
    publication_blockers,
    result_change_get,
    result_changes_visible,
    review_overview,
)
from submissions.selectors.rounds import (
    round_for_submitter,
    round_get,
    round_list,
    submission_get_for_user,
    version_get_for_user,
    version_progress,
    versions_for_user,
)
from submissions.selectors.verdicts import version_finding_groups, version_verdict

__all__ = [
    "EXPORT_COLUMNS",
    "RoundOverview",
    "assignment_get",
    "assignments_visible",
    "benchmark_across_rounds",
    "borrowings_visible",
    "objection_get",
    "publication_blockers",
    "published_benchmarks",
    "published_file_version",
    "published_round_get",
    "published_rounds",
    "published_system_detail",
    "result_change_get",
    "result_changes_visible",
    "results_document",
    "results_table",
    "review_overview",
    "round_for_submitter",
    "round_get",
    "round_list",
    "round_overview",
    "score_history",
    "submission_get_for_user",
    "version_finding_groups",
    "version_get_for_user",
    "version_progress",
    "version_verdict",
    "versions_for_user",
]
