from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Creating the Celery app here makes @shared_task bind to it in every process that
        # runs Django (web, worker, management commands), not only under the celery CLI, and
        # registering the apps' tasks now lets services queue them by name.
        from config.celery import app

        app.autodiscover_tasks(force=True)
