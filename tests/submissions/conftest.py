"""Fixtures for the submission service: a round with an open window, organisations named as
in the packages, their submitters, and tasks run inline (Celery's eager mode)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from roadmap.models import Round
from submissions.models import SubmissionWindow
from tests.factories import OrganizationFactory, person_with_role
from wg.models import Role


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def round_open(catalogue) -> Round:
    """Round v5.1 (ruleset 5.1.0) open for submissions: the deadline is tomorrow."""
    round_ = Round.objects.get(name="v5.1")
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_,
        opens_at=now - timedelta(days=7),
        deadline=now + timedelta(days=1),
        review_ends_at=now + timedelta(days=21),
    )
    return Round.objects.select_related("window").get(pk=round_.pk)


def close_window(round_: Round, *, days_ago: float = 1) -> None:
    """Move the window so uploads closed ``days_ago`` days ago and review is under way."""
    now = timezone.now()
    SubmissionWindow.objects.filter(round=round_).update(
        opens_at=now - timedelta(days=30),
        deadline=now - timedelta(days=days_ago),
        review_ends_at=now + timedelta(days=14),
    )
    round_.window.refresh_from_db()


@pytest.fixture
def acme(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def amd(db):
    return OrganizationFactory(name="AMD", slug="amd")


@pytest.fixture
def acme_submitter(acme):
    return person_with_role(Role.SUBMITTER, acme, username="acme-submitter").user


@pytest.fixture
def amd_submitter(amd):
    return person_with_role(Role.SUBMITTER, amd, username="amd-submitter").user


@pytest.fixture
def eager():
    """Run queued tasks in this process when their transaction commits."""
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


@pytest.fixture
def submissions_root(settings, tmp_path):
    settings.SUBMISSIONS_ROOT = tmp_path / "store"
    return settings.SUBMISSIONS_ROOT


@pytest.fixture
def submitted(
    round_open,
    acme,
    amd,
    acme_submitter,
    amd_submitter,
    tmp_path,
    eager,
    submissions_root,
    django_capture_on_commit_callbacks,
) -> Round:
    """Round v5.1 with a valid version from Acme and one from AMD, uploads still open."""
    from submissions.services.intake import version_upload
    from tests.submissions.packages import generated_org, tar_gz

    with django_capture_on_commit_callbacks(execute=True):
        for user, org in ((acme_submitter, acme), (amd_submitter, amd)):
            version_upload(
                actor=user,
                round=round_open,
                organization=org,
                original_name="p.tar.gz",
                stream=tar_gz(generated_org(tmp_path / org.slug, org=org.name)),
            )
    return round_open


@pytest.fixture
def upheld(submitted, acme, amd_submitter, chair):
    """Review under way; AMD's objection to Acme's result was upheld with a fix required."""
    from submissions.services.review import objection_decide, objection_file

    close_window(submitted)
    objection = objection_file(
        actor=amd_submitter,
        round=submitted,
        against=acme,
        text="bad",
        path="results/acme_box/llama2_70b_lora",
        fix_required=True,
    )
    return objection_decide(
        actor=chair, objection=objection, status="upheld", decision="Rerun needed"
    )


def upload(user, round_, org, org_dir, callbacks, **kwargs):
    """Upload ``org_dir`` as a new version, run its validation inline, return it refreshed."""
    from submissions.services.intake import version_upload
    from tests.submissions.packages import tar_gz

    with callbacks(execute=True):
        version = version_upload(
            actor=user,
            round=round_,
            organization=org,
            original_name=f"{org.slug}.tar.gz",
            stream=tar_gz(org_dir),
            **kwargs,
        )
    version.refresh_from_db()
    return version


def publish(chair, round_):
    from submissions.services.publication import round_publish

    round_.refresh_from_db()
    return round_publish(actor=chair, round=round_, confirm=round_.name)


def empty_org(tmp, name: str):
    """An organisation folder with systems/ and results/ and nothing in them."""
    org_dir = tmp / name
    (org_dir / "systems").mkdir(parents=True)
    (org_dir / "results").mkdir()
    (org_dir / "systems" / ".keep").write_text("")
    (org_dir / "results" / ".keep").write_text("")
    return org_dir


@pytest.fixture
def globex(db):
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def globex_submitter(globex):
    return person_with_role(Role.SUBMITTER, globex, username="globex-submitter").user
