"""Where each role lands after logging in, the chairs' round dashboard, organisation pages."""

import pytest
from django.utils import timezone

from submissions.models import DeadlineExtension
from tests.submissions.conftest import close_window
from wg.models import JointSubmission, RoundRegistration

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


def _page(client, user, url="/dashboard/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_login_lands_on_the_personal_page(client, acme_submitter):
    response = client.post(
        "/accounts/login/", {"username": "acme-submitter", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302 and response.url == "/dashboard/"


def test_a_submitter_sees_the_round_its_deadline_and_the_versions(
    client, submitted, acme_submitter
):
    html = _page(client, acme_submitter)
    assert 'data-testid="my-round"' in html and "MLPerf Training v5.1" in html
    assert 'data-testid="deadline-pacific"' in html and ("PST" in html or "PDT" in html)
    assert 'class="localtime"' in html  # shown in the visitor's zone by the browser
    assert "p.tar.gz" in html and "counts" in html
    assert "AMD" not in html  # another organisation's versions are not on this page
    assert 'data-testid="round-dashboard"' not in html


def test_a_submitter_registers_the_organisation_from_the_page(
    client, round_open, acme, acme_submitter
):
    html = _page(client, acme_submitter)
    assert "Register Acme for v5.1" in html
    client.post("/dashboard/rounds/v5.1/registrations/", {"organization": "acme"})
    assert RoundRegistration.objects.filter(organization=acme).exists()
    assert "Registered for v5.1" in _page(client, acme_submitter)


def test_a_submitter_cannot_register_another_organisation(client, round_open, amd, acme_submitter):
    client.force_login(acme_submitter)
    client.post("/dashboard/rounds/v5.1/registrations/", {"organization": "amd"})
    assert not RoundRegistration.objects.exists()


def test_a_chair_lands_on_the_round_dashboard(client, submitted, chair, acme, amd):
    RoundRegistration.objects.create(round=submitted, organization=acme, registered_by=chair)
    from tests.factories import OrganizationFactory

    late = OrganizationFactory(name="Lenovo", slug="lenovo")
    RoundRegistration.objects.create(round=submitted, organization=late, registered_by=chair)
    DeadlineExtension.objects.create(
        window=submitted.window,
        organization=amd,
        granted_by=chair,
        until=submitted.window.deadline + timezone.timedelta(hours=5),
        reason="x",
    )
    JointSubmission.objects.create(
        round=submitted,
        first=min(acme, late, key=lambda o: o.pk),
        second=max(acme, late, key=lambda o: o.pk),
        recorded_by=chair,
    )
    html = _page(client, chair)
    assert 'data-testid="round-dashboard"' in html and 'data-testid="my-round"' not in html
    rows = html.split('data-testid="dashboard-orgs"')[1]
    for org in ("Acme", "AMD", "Lenovo"):
        assert org in rows
    lenovo = rows.split('data-org="lenovo"')[1].split("</tr>")[0]
    assert "none valid" in lenovo and "Acme" in lenovo  # joint with Acme
    amd_row = rows.split('data-org="amd"')[1].split("</tr>")[0]
    assert (
        "v1" in amd_row and "valid" in amd_row and "until" in amd_row and "no (uploaded)" in amd_row
    )
    deadlines = html.split('data-testid="deadlines"')[1].split("</table>")[0]
    assert "Extension of AMD" in deadlines and "hours" in deadlines


def test_the_dashboard_api_says_what_the_page_shows(client, submitted, chair):
    client.force_login(chair)
    body = client.get("/api/wg/rounds/v5.1/dashboard").json()
    rows = {r["organization"]: r for r in body["organizations"]}
    assert rows["acme"]["counting_version"] == 1 and rows["amd"]["latest_status"] == "valid"
    assert body["phase"] == "open" and body["deadlines"][1]["label"] == "Deadline"
    assert body["deadlines"][1]["seconds_left"] > 0


def test_a_member_lands_on_what_is_open(client, round_open, member):
    html = _page(client, member)
    assert 'data-testid="open-for-you"' in html and "v5.1" in html
    assert 'data-testid="round-dashboard"' not in html and 'data-testid="my-round"' not in html


def test_someone_without_a_role_is_told_so(client, outsider):
    assert "no role in the working group yet" in _page(client, outsider)


def test_the_organisation_page_shows_submissions_only_to_those_who_may_see_them(
    client, submitted, acme_submitter, amd_submitter, member
):
    own = _page(client, acme_submitter, "/organizations/acme/")
    assert "v5.1" in own.split('data-testid="org-submissions"')[1]
    other = _page(client, amd_submitter, "/organizations/acme/")
    assert "None that you may see" in other  # embargoed before the deadline
    close_window(submitted)
    reviewing = _page(client, amd_submitter, "/organizations/acme/")
    assert "v5.1" in reviewing.split('data-testid="org-submissions"')[1]
    outsider_view = _page(client, member, "/organizations/acme/")
    assert "None that you may see" in outsider_view
    assert "acme-submitter" not in outsider_view  # names, not logins
