"""Typed readers for settings that come from the environment.

Every variable the service reads goes through one of these helpers, so a bad value stops
start-up with one line that names the variable instead of failing later somewhere else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(Exception):
    """A variable is missing or has a value the service cannot use."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise EnvError(name, "is required but not set")
        if default is None:
            raise EnvError(name, "is not set and has no default")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(name, f"expected true/false (1/0, yes/no, on/off), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise EnvError(name, f"expected an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise EnvError(name, f"must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise EnvError(name, f"expected a number, got {raw!r}") from None
    if value != value or (minimum is not None and value < minimum):
        raise EnvError(name, f"must be a number of at least {minimum}, got {raw!r}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise EnvError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


@contextmanager
def exit_on_env_error() -> Iterator[None]:
    """Turn a configuration error into one line on stderr and exit status 1.

    Used by every entry point (manage.py, WSGI/ASGI, the Celery app) so an operator sees
    which variable is wrong, not a traceback.
    """
    try:
        yield
    except EnvError as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        raise SystemExit(1) from None


def load_settings_or_exit() -> None:
    """Import the settings module now, so configuration errors surface at start-up."""
    with exit_on_env_error():
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - forces the lazy settings to load
