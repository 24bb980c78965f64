"""The public working-group page and its API twin, for each role."""

from pathlib import Path

import pytest
from django.core.management import call_command

DATA = Path(__file__).resolve().parents[2] / "data" / "working_group.yaml"


@pytest.fixture
def loaded(db):
    call_command("load_wg_data", file=DATA, stdout=open("/dev/null", "w"))  # noqa: SIM115


def _page(client, user):
    if user is not None:
        client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitor_sees_mission_chairs_meeting_and_public_resources(client, loaded):
    html = _page(client, None)
    assert "Define, develop and conduct the MLPerf Training benchmarks." in html
    assert "Victor Bittorf" in html and "John Tran" in html
    assert "Google Brain" in html  # the bios are rendered
    assert "08:30 P" in html and "10:00 P" in html  # PST or PDT
    assert "mlcommons/training_policies" in html
    assert "shared drive" not in html.lower()
    assert "mailing list" in html and "mlperf-training@example.org" not in html


@pytest.mark.parametrize(
    "role,sees_members_only",
    [
        ("outsider", False),
        ("observer", False),
        ("member", True),
        ("submitter_b", True),
        ("chair", True),
    ],
)
def test_members_only_resources_follow_the_role(request, client, loaded, role, sees_members_only):
    html = _page(client, request.getfixturevalue(role))
    assert ("Working-group shared drive" in html) is sees_members_only


def test_api_returns_what_the_page_shows_for_the_same_role(client, loaded, member):
    anonymous = client.get("/api/wg/").json()
    assert {c["full_name"] for c in anonymous["chairs"]} == {"Victor Bittorf", "John Tran"}
    assert "shared-drive" not in {r["slug"] for r in anonymous["resources"]}
    assert anonymous["next_meeting"]["time_zone"] == "America/Los_Angeles"
    assert anonymous["mailing_list"] == ""
    client.force_login(member)
    as_member = client.get("/api/wg/").json()
    assert "shared-drive" in {r["slug"] for r in as_member["resources"]}
    assert as_member["mailing_list"] == "mlperf-training@example.org"


def test_api_accepts_a_bearer_token_and_refuses_a_bad_one(client, loaded, member):
    from wg.services import api_token_create

    _, raw = api_token_create(actor=member, user=member, name="script")
    ok = client.get("/api/wg/", headers={"Authorization": f"Bearer {raw}"})
    assert "shared-drive" in {r["slug"] for r in ok.json()["resources"]}
    bad = client.get("/api/wg/", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_home_page_before_data_is_loaded_says_how_to_load_it(client, db):
    assert "load_wg_data" in client.get("/").content.decode()


def test_login_and_logout(client, member):
    response = client.post("/accounts/login/", {"username": "member", "password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_admin_is_for_staff_only(client, member, admin_user):
    client.force_login(member)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    for url in (
        "/admin/",
        "/admin/wg/person/",
        "/admin/wg/organization/?q=x",
        "/admin/core/auditevent/",
        "/admin/meetings/resource/",
        "/admin/wg/roleassignment/",
    ):
        assert client.get(url).status_code == 200, url


def test_a_missing_page_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode() and "log in" in response.content.decode()
