# The Celery app is created with the project, as Celery's Django guide does, so ``shared_task``
# binds to it in every process that loads the settings (web, worker, beat, management commands)
# and lower layers reach it as ``celery.current_app`` without importing ``config``.
from config.celery import app as celery_app

__all__ = ["celery_app"]
