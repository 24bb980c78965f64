from submissions.models.intake import (
    DeadlineExtension,
    Submission,
    SubmissionFile,
    SubmissionVersion,
    SubmissionWindow,
)
from submissions.models.results import PublishedResult
from submissions.models.review import Objection
from submissions.models.validation import (
    BenchmarkCheck,
    Finding,
    LogCheckCache,
    Score,
    SystemDescription,
    ValidationReport,
)

__all__ = [
    "BenchmarkCheck",
    "DeadlineExtension",
    "Finding",
    "LogCheckCache",
    "Objection",
    "PublishedResult",
    "Score",
    "Submission",
    "SubmissionFile",
    "SubmissionVersion",
    "SubmissionWindow",
    "SystemDescription",
    "ValidationReport",
]
