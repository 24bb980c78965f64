"""Readable everywhere: no page is wider than the screen at 390 and 1,280 pixels (wide tables
scroll inside their box), and chart labels are text at a legible size, never cut off."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import login
from tests.factories import OrganizationFactory, person_with_role
from tests.submissions.packages import edit_log, generated_org, without_key
from wg.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "ThinkSystem SR680a V3 with eight NVIDIA B200 SXM 180GB accelerators and liquid cooling"


@pytest.fixture
def published(transactional_db, settings, tmp_path):
    from config.celery import app
    from roadmap.models import Round
    from submissions.models import SubmissionWindow
    from submissions.services.intake import version_upload
    from submissions.services.publication import round_publish
    from tests.submissions.conftest import close_window
    from tests.submissions.packages import tar_gz

    settings.SUBMISSIONS_ROOT = tmp_path / "store"
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    round_ = Round.objects.get(name="v5.1")
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_, opens_at=now - timedelta(days=2), deadline=now + timedelta(days=1),
        review_ends_at=now + timedelta(days=20),
    )  # fmt: skip
    app.conf.task_always_eager = True
    try:
        for index, name in enumerate(("Acme", "Globex", "Initech")):
            org = OrganizationFactory(name=name, slug=name.lower())
            user = person_with_role(Role.SUBMITTER, org, username=f"{name.lower()}-submitter").user
            org_dir = generated_org(tmp_path / name, org=name)
            system = org_dir / "systems" / "acme_box.json"
            content = json.loads(system.read_text())
            content.update(system_name=f"{LONG_NAME} {index}", hw_notes="notes " * 30)
            system.write_text(json.dumps(content))
            if name == "Acme":  # a first version with findings, then a valid one
                broken = generated_org(tmp_path / "broken", org=name)
                for run in ("result_1.txt", "result_2.txt", "result_3.txt"):
                    edit_log(
                        broken / "results/acme_box/llama2_70b_lora" / run, without_key("run_start")
                    )
                version_upload(actor=user, round=round_, organization=org,
                               stream=tar_gz(broken), original_name="broken.tar.gz")  # fmt: skip
            version_upload(actor=user, round=round_, organization=org,
                           stream=tar_gz(org_dir), original_name=f"{name}.tar.gz")  # fmt: skip
        close_window(round_)
        person_with_role(Role.CHAIR, username="the-chair")
        from django.contrib.auth import get_user_model

        round_publish(actor=get_user_model().objects.get(username="the-chair"), round=round_,
                      confirm="v5.1")  # fmt: skip
    finally:
        app.conf.task_always_eager = False
    return round_


def _check(page, url: str) -> None:
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(url)
        assert response.status == 200, url
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} is {overflow}px wider than a {width}px screen"


def test_pages_fit_a_phone_and_a_laptop(page, live_server, published):
    base = live_server.url
    for path in (
        "/results/v5.1/",
        "/results/v5.1/acme/acme_box/",
        "/results/",
        "/results/benchmarks/llama2_70b_lora/",
        "/rounds/",
    ):
        _check(page, base + path)
    login(page, live_server, "acme-submitter")
    _check(page, f"{base}/rounds/v5.1/submissions/acme/v1/")  # the findings
    _check(page, f"{base}/rounds/v5.1/")
    page.click("text=Log out")
    login(page, live_server, "the-chair")
    _check(page, f"{base}/rounds/v5.1/")
    _check(page, f"{base}/rounds/v5.1/manage/")


def test_chart_labels_are_legible_text_inside_the_screen(page, live_server, published):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/results/v5.1/")
        labels = page.locator(".bar-label")
        assert labels.count() == 3
        for index in range(labels.count()):
            label = labels.nth(index)
            size = label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 12, f"{size}px labels at {width}px"
            box = label.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            # Not clipped: the whole text is laid out inside the label's box.
            assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        assert LONG_NAME in page.text_content(".bars")
