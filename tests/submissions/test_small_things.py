"""Small things users hit: the API docs without internet, the rounds list's words for a past
date, and where a submitter lands after logging in."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from roadmap.models import Round
from tests.submissions.conftest import close_window


def test_the_api_docs_load_their_assets_from_this_server(client, db):
    html = client.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets and not [a for a in assets if "://" in a or a.startswith("//")]
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_a_round_whose_planned_date_passed_without_a_window_is_not_planned(client, catalogue):
    Round.objects.filter(name="v6.1").update(
        submission_date=timezone.localdate() - timedelta(days=40)
    )
    Round.objects.filter(name="v6.0").update(
        submission_date=timezone.localdate() + timedelta(days=40)
    )
    html = client.get("/rounds/").content.decode()
    statuses = dict(
        re.findall(
            r'<a href="/rounds/(v[\d.]+)/">.*?data-testid="round-status">([^<]+)<', html, re.S
        )
    )
    assert statuses["v6.1"] == "no submission window was opened"
    assert statuses["v6.0"] == "planned"


@pytest.mark.usefixtures("submissions_root")
def test_a_submitter_lands_on_a_page_that_leads_to_the_open_round(
    client, round_open, acme_submitter, member
):
    def land(user):
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": "pw-for-tests-1"},
            follow=True, REMOTE_ADDR="192.0.2.1",
        )  # fmt: skip
        return response.redirect_chain[-1][0], response.content.decode()

    where, page = land(acme_submitter)
    assert where == "/dashboard/"
    assert re.search(r'<a href="/rounds/v5.1/" data-testid="round-link">', page)
    assert 'data-testid="upload-link"' in page
    assert land(member)[0] == "/dashboard/"
    # The home page's "Log in" link does not send the submitter back to the home page.
    client.logout()
    link = re.search(r'href="(/accounts/login/[^"]*)">Log in<', client.get("/").content.decode())[1]
    assert link == "/accounts/login/"
    close_window(round_open)
    assert 'data-testid="upload-link"' not in land(acme_submitter)[1]  # nothing to upload now
