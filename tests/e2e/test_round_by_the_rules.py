"""A whole round in a real browser, with real Celery workers validating: three organisations
upload; one uploads again in the grace period and no worker has validated it yet, so
publication is refused until it has its verdict; the review chair computes the assignments; an
objection is filed and co-signed; the committee upholds it with a fix; the fix is uploaded from
the round page; the round is published; the table has one row per system and fits a phone."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import login
from tests.factories import OrganizationFactory, person_with_role
from tests.submissions.packages import generated_org, tar_gz
from tests.workers import celery_worker, wait_for
from wg.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ORGS = ("Acme", "Globex", "Initech")


@pytest.fixture
def round_(transactional_db, settings, tmp_path):
    from roadmap.models import Round
    from submissions.models import SubmissionWindow

    settings.SUBMISSIONS_ROOT = tmp_path / "store"
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    round_ = Round.objects.get(name="v5.1")
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_,
        opens_at=now - timedelta(days=2),
        deadline=now + timedelta(days=1),
        review_ends_at=now + timedelta(days=20),
    )
    for name in ORGS:
        org = OrganizationFactory(name=name, slug=name.lower())
        person_with_role(Role.SUBMITTER, org, username=f"{name.lower()}-submitter")
    person_with_role(Role.CHAIR, username="the-chair")
    return round_


def _move_window(round_, *, deadline_ago: timedelta) -> None:
    from submissions.models import SubmissionWindow

    now = timezone.now()
    SubmissionWindow.objects.filter(round=round_).update(
        deadline=now - deadline_ago, opens_at=now - timedelta(days=30)
    )


def _archive(tmp_path, name: str, tag: str):
    path = tmp_path / f"{name}-{tag}.tar.gz"
    org_dir = generated_org(tmp_path / tag / name, org=name)
    path.write_bytes(tar_gz(org_dir).getvalue())
    return path


def _switch(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    if page.locator("text=Log out").count():
        page.click("text=Log out")
    login(page, live_server, username)


def _upload(page, live_server, org: str, archive, *, wait_verdict: bool = True) -> str:
    page.goto(f"{live_server.url}/rounds/v5.1/")
    page.set_input_files(f"#package-{org}", str(archive))
    page.click(f"[data-org={org}] [data-testid=upload-form] button")
    page.wait_for_url(f"**/submissions/{org}/v*/", timeout=30_000)
    if wait_verdict:
        page.wait_for_selector("[data-testid=verdict]", timeout=120_000)
    return page.url


def _no_overflow(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than a {width}px screen"


def test_a_round_run_by_the_rules_in_the_browser(page, live_server, round_, settings, tmp_path):
    from submissions.models import PublishedSystem, SubmissionVersion

    env = {"SUBMISSIONS_ROOT": str(settings.SUBMISSIONS_ROOT)}
    archives = {name: _archive(tmp_path, name, "v1") for name in ORGS}
    with celery_worker(["validate"], concurrency=2, extra_env=env):
        for name in ORGS:
            _switch(page, live_server, f"{name.lower()}-submitter")
            _upload(page, live_server, name.lower(), archives[name])
            assert "Valid" in page.text_content("[data-testid=verdict]")

    # In the grace period Globex uploads again; no worker is running to validate it.
    _move_window(round_, deadline_ago=timedelta(minutes=10))
    _switch(page, live_server, "globex-submitter")
    _upload(page, live_server, "globex", _archive(tmp_path, "Globex", "v2"), wait_verdict=False)
    _move_window(round_, deadline_ago=timedelta(days=1))

    _switch(page, live_server, "the-chair")
    page.goto(f"{live_server.url}/rounds/v5.1/manage/")
    blockers = page.text_content("[data-testid=blockers]")
    assert "Globex version 2 (on-time upload received" in blockers
    assert page.locator("[data-testid=publish]").count() == 0

    with celery_worker(["validate"], concurrency=2, extra_env=env):
        wait_for(
            lambda: (
                SubmissionVersion.objects.get(
                    submission__organization__slug="globex", number=2
                ).is_final
            ),
            timeout=120,
            message="Globex's grace-period upload to be validated",
        )

        # Review: the chair computes the assignments (three submitters review each other).
        page.goto(f"{live_server.url}/rounds/v5.1/")
        page.click("[data-testid=compute-assignments]")
        page.wait_for_selector("[data-testid=assignment]")
        assert page.locator("[data-testid=assignment]").count() == 6

        # Acme objects to Globex's result and asks for a fix; Initech co-signs.
        _switch(page, live_server, "acme-submitter")
        page.goto(f"{live_server.url}/rounds/v5.1/submissions/globex/")
        page.fill("#id_path", "results/acme_box/llama2_70b_lora")
        page.fill("#id_text", "The runs reuse one seed.")
        page.check("input[name=fix_required]")
        page.click("[data-testid=objection-form] button[type=submit]")
        page.wait_for_selector("[data-testid=objection]")
        _switch(page, live_server, "initech-submitter")
        page.goto(f"{live_server.url}/rounds/v5.1/")
        page.click("[data-testid=cosign]")
        signers = page.text_content("[data-testid=signers]")
        assert "by Acme" in signers and "by Initech" in signers

        # The committee upholds it and allows a fix.
        _switch(page, live_server, "the-chair")
        page.goto(f"{live_server.url}/rounds/v5.1/")
        page.fill("[data-testid=decide-form] textarea", "Seeds must differ; rerun.")
        page.select_option("[data-testid=decide-form] select", "upheld")
        page.click("[data-testid=decide-form] button")
        page.wait_for_selector("text=Decision recorded.")
        assert "Upheld" in page.text_content("[data-testid=objection-status]")

        # Globex uploads the fix from the round page.
        _switch(page, live_server, "globex-submitter")
        page.goto(f"{live_server.url}/rounds/v5.1/")
        assert page.locator("[data-testid=fix-allowed]").count() == 1
        fix_url = _upload(page, live_server, "globex", _archive(tmp_path, "Globex", "fix"))
        assert "review fix" in page.text_content("h1") and fix_url.endswith("/v3/")

    # Publication, with its confirmation.
    _switch(page, live_server, "the-chair")
    page.goto(f"{live_server.url}/rounds/v5.1/manage/")
    page.fill("[data-testid=publish-confirm]", "v5.1")
    page.click("[data-testid=publish]")
    page.wait_for_selector("[data-testid=results-table]")

    assert page.locator("[data-testid=result-row]").count() == 3  # one row per system
    globex_row = PublishedSystem.objects.get(organization__slug="globex")
    assert globex_row.results.get().version.number == 3  # the fix
    page.click("text=Log out")
    page.goto(f"{live_server.url}/results/v5.1/")
    for width in (390, 1280):
        _no_overflow(page, width)
    page.set_viewport_size({"width": 390, "height": 900})
    box = page.locator("[data-testid=results-scroll]").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
