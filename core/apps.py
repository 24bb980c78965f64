from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Creating the Celery app here makes @shared_task bind to it in every process that
        # runs Django (web, worker, management commands), not only under the celery CLI.
        import config.celery  # noqa: F401
