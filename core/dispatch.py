"""Queueing tasks by name, so services never import the task modules of their own app or of
apps above them (publishing, the runner). Honours ``task_always_eager`` for tests.

The database owns the state of every piece of work and the reaper re-queues what has not
moved, so a message that cannot be sent is logged, not raised: the caller's transaction has
already committed, and failing the request (an upload, a chair's click) would only hide that
the work is safely recorded.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerError

from core.embedded_broker import BrokerUnavailable, EmbeddedBroker, ensure_running

log = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any, queue: str) -> bool:
    """Send a registered task; call it from ``transaction.on_commit`` when state was written.

    Returns whether the message went out (the reaper sends it again later otherwise).
    """
    app = current_app
    if app.conf.task_always_eager:
        app.loader.import_default_modules()  # registers the task modules, as a worker does
        app.tasks[task_name].apply_async(args=args, queue=queue)
        return True
    try:
        if settings.EMBEDDED_BROKER_DIR is not None:
            ensure_running(EmbeddedBroker(settings.EMBEDDED_BROKER_DIR))
        app.send_task(task_name, args=args, queue=queue)
    except (BrokerError, BrokerUnavailable, ConnectionError, TimeoutError) as exc:
        log.warning(
            "could not queue %s%r on %s (%s: %s); the reaper will queue it again",
            task_name, args, queue, type(exc).__name__, exc,
        )  # fmt: skip
        return False
    return True
