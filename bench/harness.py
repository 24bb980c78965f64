"""``make run`` in a scratch folder, driven over HTTP like a real client, for the load and soak
benchmarks. Nothing here talks to anything but 127.0.0.1.

The service runs on the embedded default (SQLite and the embedded Redis under the scratch
folder); this process opens the same SQLite database to create the round's window, the
organisations, their submitters and API tokens, and to read the verdicts.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tarfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.serving import free_port, http_upload  # noqa: E402
from tests.submissions.checker import mllog_factory  # noqa: E402

__all__ = ["MakeRun", "free_port", "http_upload", "package_bytes"]


class MakeRun:
    """``make run`` with VAR_DIR and PORT set, in its own process group; output to a log file."""

    def __init__(
        self, var_dir: Path, *, port: int | None = None, extra_env: dict[str, str] | None = None
    ) -> None:
        self.var_dir = var_dir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = var_dir.parent / "make-run.log"
        env = {
            k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")
        }
        env.update({"VAR_DIR": str(var_dir), "PORT": str(self.port), "PYTHONUNBUFFERED": "1"})
        env.update(extra_env or {})
        var_dir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={self.port}"],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        os.environ["VAR_DIR"] = str(var_dir)  # this process opens the same database

    def wait_healthy(self, timeout: float = 300) -> None:
        import json
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "healthz", timeout=5) as response:
                    if json.loads(response.read())["ok"]:
                        return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(1)
        raise SystemExit(f"make run did not become healthy; see {self.log_path}")

    def status(self) -> dict[str, Any]:
        import json

        return json.loads((self.var_dir / "serve-status.json").read_text())["components"]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # as Ctrl-C in the terminal
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(errors="replace").splitlines()


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def open_round(name: str = "v5.1") -> Any:
    from django.utils import timezone

    from roadmap.models import Round
    from submissions.models import SubmissionWindow

    round_ = Round.objects.get(name=name)
    now = timezone.now()
    SubmissionWindow.objects.update_or_create(
        round=round_,
        defaults={
            "opens_at": now - timedelta(days=1),
            "deadline": now + timedelta(days=2),
            "review_ends_at": now + timedelta(days=10),
        },
    )
    return round_


def submitter_token(org_name: str) -> tuple[Any, str]:
    """An organisation, a submitter contact of it, and an API token for that submitter."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wg.models import Organization, Person, RoleAssignment
    from wg.services import api_token_create

    slug = org_name.lower()
    org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": org_name})
    user, _ = get_user_model().objects.get_or_create(username=f"{slug}-bench")
    person, _ = Person.objects.get_or_create(
        user=user, defaults={"slug": f"{slug}-bench", "full_name": f"{org_name} bench"}
    )
    RoleAssignment.objects.get_or_create(
        person=person, role="submitter", organization=org, defaults={"start": timezone.localdate()}
    )
    return org, api_token_create(actor=user, user=user, name="bench")[1]


def package_bytes(tmp: Path, org_name: str, *, broken: bool = False) -> bytes:
    """A generated package of ``org_name`` (valid, or missing one of its ten runs)."""
    root = tmp / f"{org_name}-{'broken' if broken else 'ok'}"
    if not root.exists():
        org_dir = mllog_factory.write_package(root, "5.1.0", org=org_name)
        if broken:
            next(iter(sorted(org_dir.glob("results/*/*/result_0.txt")))).unlink()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(root / org_name, arcname=org_name)
    return buffer.getvalue()


def verdict_counts(pks: list[int]) -> dict[int, int]:
    """How many verdict events each version has (exactly one is right)."""
    from django.db.models import Count

    from core.models import AuditEvent

    finals = [f"submission.{s}" for s in ("valid", "invalid", "rejected", "failed")]
    rows = (
        AuditEvent.objects.filter(
            object_type="submissions.submissionversion",
            object_id__in=[str(pk) for pk in pks],
            action__in=finals,
        )
        .values("object_id")
        .annotate(n=Count("id"))
    )
    counts = {pk: 0 for pk in pks}
    counts.update({int(row["object_id"]): row["n"] for row in rows})
    return counts
