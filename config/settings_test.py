"""Test settings: the production settings module with fast hashing and isolated state.

The suite runs on whatever DATABASE_URL / CELERY_BROKER_URL point at (PostgreSQL and Redis in
CI) or on the embedded default. The SQLite test database is a file, not ``:memory:``, so Celery
worker processes started by the tests can open the same database. On the embedded default each
run has its own embedded Redis server, started by a session fixture (tests/conftest.py).
"""

import os
import tempfile
from pathlib import Path

# Isolate this test run's broker traffic from a running `make run` and from other runs;
# worker processes started by the tests are handed the same broker and prefix.
_RUN = f"{os.getpid()}"
if not os.environ.get("CELERY_BROKER_URL"):
    os.environ.setdefault(
        "CELERY_EMBEDDED_BROKER_DIR",
        str(Path(tempfile.gettempdir()) / f"mlperf-wg-test-broker-{_RUN}"),
    )
os.environ.setdefault("CELERY_BROKER_PREFIX", f"test-{_RUN}:")

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Worker processes started by browser tests print their mail (the console backend) instead.
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
WG_MAILING_LIST = "mlperf-training@example.org"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": str(
            VAR_DIR / "test" / f"test-db-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.sqlite3"
        )
    }
    (VAR_DIR / "test").mkdir(parents=True, exist_ok=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
