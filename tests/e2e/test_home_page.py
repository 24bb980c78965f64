from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parents[2] / "data" / "working_group.yaml"


@pytest.fixture
def loaded(transactional_db):
    call_command("load_wg_data", file=DATA, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_anonymous_visitor_sees_the_public_page_without_members_only_resources(
    page, live_server, loaded
):
    page.goto(live_server.url + "/")
    assert page.text_content("[data-testid=mission]").startswith("Define, develop and conduct")
    assert page.locator("[data-testid=chair]").count() == 2
    resources = page.text_content("[data-testid=resources]")
    assert "mlcommons/training_policies" in resources
    assert "shared drive" not in resources.lower()
    # The meeting is shown in the visitor's zone (Berlin here) as well as in Pacific time.
    starts = datetime.fromisoformat(page.get_attribute("time.localtime", "datetime"))
    in_berlin = starts.astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{in_berlin:%H:%M}" in page.text_content("time.localtime")
    assert "08:30 P" in page.text_content("[data-testid=pacific-time]")


def test_a_member_who_logs_in_sees_the_members_only_resource(page, live_server, loaded, member):
    login(page, live_server, "member")
    page.goto(live_server.url + "/")
    assert "Working-group shared drive" in page.text_content("[data-testid=resources]")
    page.click("text=Log out")
    page.wait_for_selector("text=Log in")
    assert "shared drive" not in page.text_content("[data-testid=resources]").lower()
