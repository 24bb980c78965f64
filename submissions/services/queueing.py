"""The validation pipeline's messages, sent by task name: services never import task modules."""

from __future__ import annotations

from django.conf import settings

from core.dispatch import enqueue


def enqueue_processing(version_id: int) -> None:
    enqueue("submissions.process_version", version_id, queue="validate")


def enqueue_checks(check_ids: list[int]) -> None:
    # Folders go out in a few batches rather than one message each: a round trip through the
    # broker costs more than checking a folder whose logs are unchanged, and a handful of
    # batches still keeps every worker process busy.
    batches = max(1, settings.VALIDATION_BATCHES)
    size = -(-len(check_ids) // batches)
    for start in range(0, len(check_ids), size):
        enqueue("submissions.check_benchmarks", check_ids[start : start + size], queue="validate")


def enqueue_finalize(version_id: int) -> None:
    enqueue("submissions.finalize_report", version_id, queue="validate")
