"""Review assignments as the rules' "Required reviews" set them, and the review chair's edits."""

import pytest
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from portal.dashboard import round_dashboard
from submissions.assignments import Pair, Submitter, plan
from submissions.models import ReviewAssignment, SystemDescription
from submissions.services.assignments import (
    review_assignment_add,
    review_assignment_remove,
    review_assignments_compute,
    submission_partner_add,
)
from tests.factories import person_with_role
from tests.submissions.conftest import close_window, upload
from tests.submissions.packages import generated_org
from wg.models import Role


def _s(org_id, results, *, large=0, scale=0, partners=()):
    return Submitter(org_id, f"org{org_id}", results, large, scale, frozenset(partners))


def _pairs(result, pool="standard"):
    return {(p.reviewer, p.reviewee) for p in result.pairs if p.pool == pool}


def test_pairs_walk_down_the_ranking_by_number_of_results():
    result = plan([_s(1, 3), _s(2, 9), _s(3, 5), _s(4, 1)])
    # Ranked 2 (9), 3 (5), 1 (3), 4 (1): 2<->3 and 1<->4.
    assert _pairs(result) == {(2, 3), (3, 2), (1, 4), (4, 1)}
    assert result.unassigned == []


def test_with_an_odd_number_the_bottom_three_review_each_other():
    result = plan([_s(1, 10), _s(2, 8), _s(3, 6), _s(4, 4), _s(5, 2)])
    assert _pairs(result) == {(1, 2), (2, 1)} | {
        (a, b) for a in (3, 4, 5) for b in (3, 4, 5) if a != b
    }


def test_large_scale_submissions_review_each_other_ranked_by_scale():
    result = plan(
        [
            _s(1, 2, large=1, scale=1024),
            _s(2, 3),
            _s(3, 0, large=2, scale=4096),
            _s(4, 1),
            _s(5, 0, large=1, scale=512),
            _s(6, 0, large=1, scale=2048),
        ]
    )
    # Ranked by scale: 3 (4096), 6 (2048), 1 (1024), 5 (512).
    assert _pairs(result, "large_scale") == {(3, 6), (6, 3), (1, 5), (5, 1)}
    # Their smaller results stay in the standard ranking: 2 (3), 1 (2), 4 (1).
    assert _pairs(result) == {(a, b) for a in (1, 2, 4) for b in (1, 2, 4) if a != b}


def test_a_single_large_scale_submission_is_left_to_volunteers_or_the_chairs():
    result = plan([_s(1, 2), _s(2, 2), _s(3, 0, large=1, scale=600)])
    assert (3, "large_scale") in result.unassigned
    assert all(p.pool == "standard" for p in result.pairs)


def test_joint_partners_are_separate_submitters_that_never_review_each_other():
    # 1 and 2 submitted jointly (each counts the joint results); 3 and 4 alone.
    result = plan([_s(1, 6, partners={2}), _s(2, 6, partners={1}), _s(3, 5), _s(4, 1)])
    pairs = _pairs(result)
    assert (1, 2) not in pairs and (2, 1) not in pairs
    reviewed = {reviewee for _, reviewee in pairs}
    assert reviewed == {1, 2, 3, 4}  # everyone gets a reviewer
    assert Pair(1, 3, "standard") in result.pairs or Pair(1, 4, "standard") in result.pairs


@pytest.mark.usefixtures("eager", "submissions_root")
def test_the_review_chair_computes_and_edits_the_assignments(
    submitted,
    acme,
    amd,
    globex,
    globex_submitter,
    acme_submitter,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    upload(
        globex_submitter,
        submitted,
        globex,
        generated_org(tmp_path / "g", org="Globex"),
        django_capture_on_commit_callbacks,
    )
    review_chair = person_with_role(Role.REVIEW_CHAIR, round_name="v5.1").user
    with pytest.raises(DomainError, match="once uploads are closed"):
        review_assignments_compute(actor=review_chair, round=submitted)
    close_window(submitted)
    with pytest.raises(PermissionDenied):
        review_assignments_compute(actor=acme_submitter, round=submitted)
    review_assignments_compute(actor=review_chair, round=submitted)
    pairs = set(ReviewAssignment.objects.values_list("reviewer__slug", "reviewee__slug"))
    # Three submitters with one result each: the bottom three review each other.
    assert pairs == {
        (a, b) for a in ("acme", "amd", "globex") for b in ("acme", "amd", "globex") if a != b
    }
    removed = ReviewAssignment.objects.get(reviewer=acme, reviewee=amd)
    review_assignment_remove(actor=review_chair, assignment=removed)
    with pytest.raises(DomainError, match="does not review itself"):
        review_assignment_add(actor=review_chair, round=submitted, reviewer=acme, reviewee=acme)
    added = review_assignment_add(
        actor=review_chair, round=submitted, reviewer=acme, reviewee=amd, note="back again"
    )
    assert added.computed is False


@pytest.mark.usefixtures("eager", "submissions_root")
def test_large_systems_and_joint_partners_from_the_database(
    submitted, acme, amd, globex, chair, acme_submitter, amd_submitter
):
    close_window(submitted)
    SystemDescription.objects.filter(version__submission__organization=acme).update(
        accelerators=1024
    )
    submission_partner_add(
        actor=chair, submission=submitted.submissions.get(organization=amd), organization=globex
    )
    result = review_assignments_compute(actor=chair, round=submitted)
    assert (acme.pk, "large_scale") in result.unassigned
    pairs = {(p.reviewer, p.reviewee, p.pool) for p in result.pairs}
    assert (amd.pk, globex.pk, "standard") not in pairs and (
        globex.pk,
        amd.pk,
        "standard",
    ) not in pairs


@pytest.mark.usefixtures("eager", "submissions_root")
def test_a_joint_submission_recorded_on_the_chairs_dashboard_counts_in_the_review(
    client, submitted, acme, amd, globex, chair, globex_submitter
):
    # The chairs record AMD + Globex on their dashboard; AMD uploaded the package.
    client.force_login(chair)
    client.post("/dashboard/rounds/v5.1/joint/", {"first": "amd", "second": "globex"})
    close_window(submitted)
    client.force_login(globex_submitter)
    # Globex is a submitter of the round: it reviews, and sees Acme's package...
    assert client.get("/rounds/v5.1/submissions/acme/").status_code == 200
    assert 'data-testid="review"' in client.get("/rounds/v5.1/").content.decode()
    # ...and AMD and Globex never review each other.
    result = review_assignments_compute(actor=chair, round=submitted)
    assert {(amd.pk, globex.pk), (globex.pk, amd.pk)}.isdisjoint(
        (p.reviewer, p.reviewee) for p in result.pairs
    )
    with pytest.raises(DomainError, match="joint-submission partner"):
        review_assignment_add(actor=chair, round=submitted, reviewer=globex, reviewee=amd)


@pytest.mark.usefixtures("eager", "submissions_root")
def test_a_partner_named_in_the_review_shows_on_the_chairs_dashboard(submitted, amd, globex, chair):
    submission_partner_add(
        actor=chair, submission=submitted.submissions.get(organization=amd), organization=globex
    )
    board = round_dashboard(round=submitted, now=timezone.now())
    assert {r.organization.slug: r.joint_with for r in board.rows}["amd"] == [globex]


@pytest.mark.usefixtures("eager", "submissions_root")
def test_assignments_on_the_round_page(client, submitted, chair, acme_submitter, member):
    close_window(submitted)
    client.force_login(chair)
    client.post("/rounds/v5.1/assignments/compute/")
    assert ReviewAssignment.objects.count() == 2
    client.force_login(acme_submitter)
    page = client.get("/rounds/v5.1/").content.decode()
    assert (
        page.count('data-testid="assignment"') == 2
        and 'data-testid="compute-assignments"' not in page
    )
    assert client.post("/rounds/v5.1/assignments/compute/").status_code == 404
    client.force_login(member)
    assert 'data-testid="assignments"' not in client.get("/rounds/v5.1/").content.decode()
