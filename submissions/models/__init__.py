from submissions.models.intake import (
    DeadlineExtension,
    Submission,
    SubmissionFile,
    SubmissionVersion,
    SubmissionWindow,
)
from submissions.models.results import Category, PublishedResult, PublishedSystem
from submissions.models.review import (
    AssignmentPool,
    HyperparameterBorrowing,
    JointPartner,
    Objection,
    ObjectionSigner,
    ResultChange,
    ResultChangeKind,
    ReviewAssignment,
)
from submissions.models.validation import (
    BenchmarkCheck,
    Finding,
    LogCheckCache,
    Score,
    SystemDescription,
    ValidationReport,
)

__all__ = [
    "AssignmentPool",
    "BenchmarkCheck",
    "Category",
    "DeadlineExtension",
    "Finding",
    "HyperparameterBorrowing",
    "JointPartner",
    "LogCheckCache",
    "Objection",
    "ObjectionSigner",
    "PublishedResult",
    "PublishedSystem",
    "ResultChange",
    "ResultChangeKind",
    "ReviewAssignment",
    "Score",
    "Submission",
    "SubmissionFile",
    "SubmissionVersion",
    "SubmissionWindow",
    "SystemDescription",
    "ValidationReport",
]
