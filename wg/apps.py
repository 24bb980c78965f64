from django.apps import AppConfig


class WgConfig(AppConfig):
    name = "wg"
    verbose_name = "Working group"
