"""Queueing tasks by name, so services never import the task modules of their own app or of
apps above them (publishing, the runner). Honours ``task_always_eager`` for tests."""

from __future__ import annotations

from typing import Any

from celery import current_app


def enqueue(task_name: str, *args: Any, queue: str) -> None:
    """Send a registered task. Call it from ``transaction.on_commit`` when state was written."""
    current_app.tasks[task_name].apply_async(args=args, queue=queue)
