"""The Celery application. Workers start with ``celery -A config worker``."""

import os

from celery import Celery

from config.env import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
load_settings_or_exit()

app = Celery("mlperf_wg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# --- Benchmark runners: `celery worker -P solo --runner-name NAME --runner-class CLASS` ---------
from benchmarks_runner.worker import install as install_runner  # noqa: E402

install_runner(app)
