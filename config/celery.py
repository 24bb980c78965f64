"""The Celery application. Workers start with ``celery -A config.celery worker``."""

import os

from celery import Celery

from config.env import load_settings_or_exit
from core.worker_gate import DatabaseGate

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mlperf_wg")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Task modules are imported when a worker starts (or when a task is run eagerly); importing
# them earlier would make every web request and management command pay for the checkers.
app.autodiscover_tasks()
# Workers stop consuming while they cannot reach the database, and report their status.
app.steps["consumer"].add(DatabaseGate)


@app.on_configure.connect
def _settings_or_exit(**_: object) -> None:
    # The celery command reads the settings here: a bad variable stops it with one line.
    load_settings_or_exit()
