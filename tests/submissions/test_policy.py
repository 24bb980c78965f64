"""Who is a round's submitter, and what reviewers see: one definition in submissions.policy."""

import pytest
from django.utils import timezone

from submissions import policy
from tests.submissions.conftest import close_window, empty_org, publish, upload
from tests.submissions.packages import generated_org

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")


@pytest.fixture
def acme_and_an_empty_globex(
    submitted, globex, globex_submitter, tmp_path, django_capture_on_commit_callbacks
):
    version = upload(
        globex_submitter,
        submitted,
        globex,
        empty_org(tmp_path, "Globex"),
        django_capture_on_commit_callbacks,
    )
    assert version.status == "valid"  # the official checker accepts an empty package
    return submitted


def test_an_empty_valid_package_does_not_make_its_organisation_a_submitter(
    acme_and_an_empty_globex, acme, amd, globex
):
    assert policy.submitting_org_ids(acme_and_an_empty_globex) == {acme.pk, amd.pk}


def test_an_empty_package_gives_no_look_at_the_others_before_or_after_publication(
    client, acme_and_an_empty_globex, globex_submitter, acme_submitter, chair
):
    round_ = acme_and_an_empty_globex
    close_window(round_)
    now = timezone.now()
    assert not policy.can_review_round(globex_submitter, round_, now=now)
    assert policy.can_review_round(acme_submitter, round_, now=now)
    client.force_login(globex_submitter)
    for url in ("/rounds/v5.1/submissions/acme/", "/rounds/v5.1/submissions/acme/v1/"):
        assert client.get(url).status_code == 404
    publish(chair, round_)
    for url in ("/rounds/v5.1/submissions/acme/", "/rounds/v5.1/submissions/acme/v1/"):
        assert client.get(url).status_code == 404
    # Its own submission stays visible to it.
    assert client.get("/rounds/v5.1/submissions/globex/").status_code == 200


def test_peer_reviewers_do_not_see_the_empty_submission_but_chairs_do(
    acme_and_an_empty_globex, acme_submitter, chair, globex
):
    round_ = acme_and_an_empty_globex
    close_window(round_)
    submission = round_.submissions.get(organization=globex)
    now = timezone.now()
    assert not policy.can_view_submission(acme_submitter, submission, now=now)
    assert policy.can_view_submission(chair, submission, now=now)


def test_reviewers_see_the_counting_version_and_fixes_not_superseded_drafts(
    client,
    upheld,
    acme,
    acme_submitter,
    amd_submitter,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    round_ = upheld.round
    # Acme's v1 counts; a fix is allowed by the upheld objection.
    fix = upload(
        acme_submitter,
        round_,
        acme,
        generated_org(tmp_path / "fix"),
        django_capture_on_commit_callbacks,
    )
    assert fix.during_review and fix.number == 2
    client.force_login(amd_submitter)
    assert client.get("/rounds/v5.1/submissions/acme/v1/").status_code == 200
    assert client.get("/rounds/v5.1/submissions/acme/v2/").status_code == 200
    listed = client.get("/api/rounds/v5.1/submissions/acme/versions").json()
    assert sorted(v["number"] for v in listed) == [1, 2]


def test_a_superseded_draft_stays_with_its_organisation(
    client,
    round_open,
    acme,
    amd,
    acme_submitter,
    amd_submitter,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    for name in ("draft", "final"):
        upload(
            acme_submitter,
            round_open,
            acme,
            generated_org(tmp_path / name),
            django_capture_on_commit_callbacks,
        )
    upload(
        amd_submitter,
        round_open,
        amd,
        generated_org(tmp_path / "amd", org="AMD"),
        django_capture_on_commit_callbacks,
    )
    close_window(round_open)
    client.force_login(amd_submitter)
    assert client.get("/rounds/v5.1/submissions/acme/v1/").status_code == 404
    assert client.get("/rounds/v5.1/submissions/acme/v2/").status_code == 200
    page = client.get("/rounds/v5.1/submissions/acme/").content.decode()
    assert "/submissions/acme/v2/" in page and "/submissions/acme/v1/" not in page
    api = client.get("/api/rounds/v5.1/submissions/acme/versions").json()
    assert [v["number"] for v in api] == [2]
    client.force_login(acme_submitter)
    assert client.get("/rounds/v5.1/submissions/acme/v1/").status_code == 200


def test_the_submission_policy_lives_in_submissions_not_in_wg():
    import wg.permissions

    for name in ("can_review_round", "can_view_submission", "can_file_objection"):
        assert not hasattr(wg.permissions, name), name
