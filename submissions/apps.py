from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Submissions and results"

    def ready(self) -> None:
        # Register the submission notification kinds in every process (web, worker, commands),
        # so preference pages and unsubscribe links know them whatever else was imported.
        from submissions import notifications  # noqa: F401
