from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = "Roadmap and rules"

    def ready(self) -> None:
        # Register the roadmap's notification kinds in every process (web, worker, commands),
        # so preference pages and unsubscribe links know them before any vote is sent.
        from roadmap import notifications  # noqa: F401
