"""The README's curl example, run as written against a live server."""

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import OrganizationFactory, person_with_role
from tests.submissions.packages import generated_org, tar_gz
from wg.models import Role

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> list[str]:
    text = README.read_text()
    section = text[text.index("Scripts use the REST API") :]
    block = re.search(r"```\n(.*?)```", section, re.S)[1]
    commands = block.replace("\\\n", " ").strip().splitlines()
    assert commands[0].startswith("export BASE=")
    return commands[1:]


@pytest.mark.django_db(transaction=True)
def test_the_readme_curl_example_uploads_and_reads_back(live_server, settings, tmp_path):
    from roadmap.models import Round
    from submissions.models import SubmissionWindow
    from wg.services import api_token_create

    settings.SUBMISSIONS_ROOT = tmp_path / "store"
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=Round.objects.get(name="v6.1"), opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=1), review_ends_at=now + timedelta(days=20),
    )  # fmt: skip
    acme = OrganizationFactory(name="Acme", slug="acme")
    user = person_with_role(Role.SUBMITTER, acme).user
    _, token = api_token_create(actor=user, user=user, name="ci")
    (tmp_path / "acme.tar.gz").write_bytes(
        tar_gz(generated_org(tmp_path, ruleset="6.1.0")).getvalue()
    )
    env = {
        "BASE": live_server.url,
        "ROUND": "v6.1",
        "ORG": "acme",
        "TOKEN": token,
        "PATH": "/usr/bin:/bin",
    }
    outputs = []
    for command in _example():
        done = subprocess.run(
            ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs.append(done.stdout)
    assert '"number": 1' in outputs[0] and '"organization": "acme"' in outputs[1]
