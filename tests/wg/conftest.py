"""Fixtures for the working group's tests: Celery in eager mode and a real SMTP server."""

from __future__ import annotations

import pytest

from config.celery import app
from tests.wg.smtp import smtp_server


@pytest.fixture
def eager():
    """Run queued tasks in this process when their transaction commits. Errors are not
    propagated: Celery's eager retry is a raised ``Retry``, and the tests read the outcome
    from the outbox rows, where the services record every failure."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def smtp(settings):
    """Mail goes through Django's SMTP backend to a real server on a free local port."""
    with smtp_server() as (recorder, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        yield recorder


@pytest.fixture
def no_backoff(monkeypatch):
    """Retries happen at once in eager mode; keep the computed delays small anyway."""
    from wg.notifications import sending

    monkeypatch.setattr(sending, "BACKOFF_SECONDS", 1)
