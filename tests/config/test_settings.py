"""Start-up configuration, checked in real processes: bad variables stop with one clear line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k3y-" + "abcdefghij" * 6


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "EMAIL_"))
    }
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env,variable",
    [
        (
            {"DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "wg.example.org"},
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": GOOD_KEY}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "amqp://guest@localhost//"}, "CELERY_BROKER_URL"),
        ({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(env, variable):
    result = _manage("check", **env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Configuration error: {variable}:")


def test_production_with_its_secrets_passes_the_deploy_check_without_warnings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="wg.example.org",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_email_goes_to_the_console_by_default_and_to_smtp_when_configured():
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    default = _manage("shell", "-c", code)
    smtp = _manage("shell", "-c", code, EMAIL_HOST="smtp.example.org")
    assert default.stdout.strip().endswith("console.EmailBackend")
    assert smtp.stdout.strip().endswith("smtp.EmailBackend")
