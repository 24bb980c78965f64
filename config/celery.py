"""The Celery application. Workers start with ``celery -A config worker``."""

import os

from celery import Celery

from config.env import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
load_settings_or_exit()

app = Celery("mlperf_wg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
