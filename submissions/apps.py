from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Submissions and results"

    def ready(self) -> None:
        # Register, in every process (web, worker, commands), the submission notification kinds
        # (so preference pages and unsubscribe links know them whatever else was imported) and
        # the window's hold on a round's submission date (which the roadmap asks before it
        # reschedules a round, since it cannot import this app).
        from submissions import notifications, window_holds  # noqa: F401
