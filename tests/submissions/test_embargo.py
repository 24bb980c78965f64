"""Embargo, for every role, on pages, the API, exports and files: before the deadline, after
it, and after publication."""

import pytest

from submissions.services.publication import round_publish
from tests.submissions.conftest import close_window

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")

ROLES = ["anonymous", "outsider", "observer", "member", "chair", "acme_submitter", "amd_submitter"]


def _acme_urls():
    base = "/rounds/v5.1/submissions/acme/"
    return {
        "submission page": base,
        "version page": base + "v1/",
        "progress partial": base + "v1/progress/",
        "file": base + "v1/files/Acme/results/acme_box/llama2_70b_lora/result_0.txt",
        "API versions": "/api/rounds/v5.1/submissions/acme/versions",
        "API version": "/api/rounds/v5.1/submissions/acme/versions/1",
    }


def _status(client, request, role, url):
    user = request.getfixturevalue(role)
    client.logout()
    if role != "anonymous":
        client.force_login(user)
    return client.get(url).status_code


def _expect(role, url, allowed):
    if allowed:
        return {200}
    # The API answers 401 to a caller without credentials; everything else hides the object.
    return {401} if role == "anonymous" and url.startswith("/api/") else {404}


@pytest.mark.parametrize("role", ROLES)
def test_before_the_deadline_only_the_organisation_sees_its_submission(
    client, request, submitted, role
):
    for name, url in _acme_urls().items():
        assert _status(client, request, role, url) in _expect(
            role, url, role == "acme_submitter"
        ), (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_after_the_deadline_the_rounds_submitters_and_chairs_see_it(
    client, request, submitted, role
):
    close_window(submitted)
    allowed = role in ("acme_submitter", "amd_submitter", "chair")
    for name, url in _acme_urls().items():
        assert _status(client, request, role, url) in _expect(role, url, allowed), (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_results_and_exports_are_hidden_until_publication_then_public(
    client, request, submitted, chair, role
):
    urls = [
        "/results/v5.1/",
        "/results/v5.1/export.csv",
        "/results/v5.1/export.json",
        "/api/results/v5.1",
        "/results/v5.1/acme/acme_box/",
    ]
    for url in urls:
        assert _status(client, request, role, url) == 404, (url, role)
    close_window(submitted)
    client.logout()
    round_publish(actor=chair, round=submitted, confirm=submitted.name)
    for url in urls:
        assert _status(client, request, role, url) == 200, (url, role)
    log = "/results/v5.1/acme/acme_box/files/Acme/results/acme_box/llama2_70b_lora/result_0.txt"
    assert _status(client, request, role, log) == 200
    # Publication opens the published results, not the submission's private pages.
    if role not in ("acme_submitter", "amd_submitter", "chair"):
        assert _status(client, request, role, "/rounds/v5.1/submissions/acme/v1/") == 404


def test_the_round_page_lists_other_submissions_only_to_reviewers(
    client, submitted, acme_submitter, member
):
    client.force_login(acme_submitter)
    assert 'data-testid="review"' not in client.get("/rounds/v5.1/").content.decode()
    close_window(submitted)
    html = client.get("/rounds/v5.1/").content.decode()
    assert 'data-testid="review"' in html and "/rounds/v5.1/submissions/amd/" in html
    client.force_login(member)
    assert "/rounds/v5.1/submissions/amd/" not in client.get("/rounds/v5.1/").content.decode()


def test_a_published_file_outside_the_published_results_stays_hidden(client, submitted, chair):
    close_window(submitted)
    round_publish(actor=chair, round=submitted, confirm=submitted.name)
    # The system description of another system, or a path escaping the system folder.
    for url in (
        "/results/v5.1/acme/acme_box/files/Acme/results/other/x.txt",
        "/results/v5.1/acme/acme_box/files/Acme/results/acme_box/../../systems/acme_box.json",
    ):
        assert client.get(url).status_code == 404
