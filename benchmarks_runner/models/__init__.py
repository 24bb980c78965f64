from benchmarks_runner.models.hosts import HardwareProfile, HostMode, WorkerHost
from benchmarks_runner.models.runs import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    FailureKind,
    Run,
    RunArtifact,
    RunAttempt,
    RunStatus,
)

__all__ = [
    "ACTIVE_STATUSES",
    "FINAL_STATUSES",
    "FailureKind",
    "HardwareProfile",
    "HostMode",
    "Run",
    "RunArtifact",
    "RunAttempt",
    "RunStatus",
    "WorkerHost",
]
