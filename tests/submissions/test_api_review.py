"""The review through the API: a submitter's result changes and borrowing declarations, the
review chair's assignments. Every endpoint has a row per role below; the services' rules
(deadlines, embargo) hold through the API as on the round page."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from config.api import api
from submissions.models import (
    HyperparameterBorrowing,
    ResultChange,
    ReviewAssignment,
    SubmissionWindow,
)
from submissions.services.own_results import borrowing_declare, result_change_request
from tests.factories import person_with_role
from tests.submissions.conftest import close_window
from wg.models import Role
from wg.services import api_token_create

pytestmark = pytest.mark.usefixtures("eager", "submissions_root")

ROLES = [
    "anonymous",
    "outsider",
    "member",
    "amd_submitter",
    "acme_submitter",
    "review_chair",
    "chair",
]
REVIEW_COMMITTEE = {"amd_submitter", "acme_submitter", "review_chair", "chair"}


@pytest.fixture
def review_chair(db):
    return person_with_role(Role.REVIEW_CHAIR, round_name="v5.1", username="review-chair").user


@pytest.fixture
def in_review(submitted, acme, acme_submitter, chair):
    """Uploads closed a day ago; Acme has withdrawn a result and AMD reviews Acme."""
    close_window(submitted)
    change = result_change_request(
        actor=acme_submitter, round=submitted, organization=acme, system="acme_box",
        benchmark="llama2_70b_lora", kind="move_to_open",
    )  # fmt: skip
    return {"round": submitted, "change": change}


def _auth(user):
    _, raw = api_token_create(actor=user, user=user, name="ci")
    return {"Authorization": f"Bearer {raw}"}


def _call(client, request, role, method, url, body=None):
    headers = {} if role == "anonymous" else _auth(request.getfixturevalue(role))
    kwargs = {"content_type": "application/json"} if body is not None else {}
    send = getattr(client, method.lower())
    return (
        send(url, body, headers=headers, **kwargs)
        if body is not None
        else send(url, headers=headers)
    )


def _statuses(allowed, status, *, refused=403):
    """What each role gets: ``status`` for the allowed roles, 401 without credentials, and
    ``refused`` for everyone else."""
    return {
        role: status if role in allowed else 401 if role == "anonymous" else refused
        for role in ROLES
    }


ANY_CALLER = _statuses(set(ROLES) - {"anonymous"}, 200)

# (method, path, body, status per role, what a successful call left in the database)
MATRIX = [
    ("GET", "/api/rounds/{name}/result-changes", None, ANY_CALLER, None),
    (
        "POST",
        "/api/rounds/{name}/result-changes",
        {"organization": "acme", "system": "acme_box", "kind": "withdraw"},
        _statuses({"acme_submitter"}, 201),
        lambda: ResultChange.objects.filter(kind="withdraw").exists(),
    ),
    (
        "POST",
        "/api/rounds/{name}/result-changes/{pk}/cancel",
        None,
        # Outside the review committee the change is not found, as if it did not exist.
        {**_statuses({"acme_submitter"}, 200), "outsider": 404, "member": 404},
        lambda: ResultChange.objects.filter(cancelled_at__isnull=False).exists(),
    ),
    ("GET", "/api/rounds/{name}/borrowing", None, ANY_CALLER, None),
    (
        "POST",
        "/api/rounds/{name}/borrowing",
        {
            "organization": "acme",
            "benchmark": "llama2_70b_lora",
            "borrowed_from": "amd",
            "description": "learning-rate warm-up",
        },
        _statuses({"acme_submitter"}, 201),
        lambda: HyperparameterBorrowing.objects.exists(),
    ),
    ("GET", "/api/rounds/{name}/assignments", None, ANY_CALLER, None),
    (
        "POST",
        "/api/rounds/{name}/assignments",
        {"reviewer": "acme", "reviewee": "amd", "note": "volunteer"},
        _statuses({"review_chair", "chair"}, 201),
        lambda: ReviewAssignment.objects.filter(note="volunteer").exists(),
    ),
    (
        "DELETE",
        "/api/rounds/{name}/assignments/{pk}",
        None,
        # Outside the review committee the assignment is not found, as if it did not exist.
        {**_statuses({"review_chair", "chair"}, 204), "outsider": 404, "member": 404},
        lambda: not ReviewAssignment.objects.exists(),
    ),
    (
        "POST",
        "/api/rounds/{name}/assignments/compute",
        None,
        _statuses({"review_chair", "chair"}, 200),
        lambda: ReviewAssignment.objects.filter(computed=True, reviewer__slug="acme").exists(),
    ),
]


def test_every_review_endpoint_has_a_row_in_the_matrix():
    routes = {
        (method.upper(), path)
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method, operation in operations.items()
        if "review" in operation["tags"]
    }
    assert routes == {(method, path) for method, path, *_ in MATRIX}


@pytest.mark.parametrize(
    "method,path,body,expected,wrote", MATRIX, ids=[f"{m[0]} {m[1]}" for m in MATRIX]
)
def test_review_endpoints_per_role(
    client, request, in_review, amd, acme, method, path, body, expected, wrote
):
    assignment = ReviewAssignment.objects.create(
        round=in_review["round"], reviewer=amd, reviewee=acme, pool="standard"
    )
    target = in_review["change"] if "result-changes" in path else assignment
    url = path.format(name="v5.1", pk=target.pk)
    for role in ROLES:
        # Each role starts from the same database: a savepoint rolled back after its call.
        with transaction.atomic():
            response = _call(client, request, role, method, url, body)
            assert response.status_code == expected[role], (role, response.content)
            if wrote is not None:
                assert wrote() is (expected[role] < 300), role
            transaction.set_rollback(True)


def _listed(client, user, what):
    response = client.get(f"/api/rounds/v5.1/{what}", headers=_auth(user))
    assert response.status_code == 200
    return [(row["organization"], row.get("system"), row["benchmark"]) for row in response.json()]


def test_another_organisation_sees_result_changes_and_borrowing_only_once_review_begins(
    client, submitted, acme, amd, acme_submitter, amd_submitter, member, chair
):
    result_change_request(
        actor=acme_submitter, round=submitted, organization=acme, system="acme_box",
        kind="withdraw",
    )  # fmt: skip
    acme_change = ("acme", "acme_box", "")
    assert _listed(client, acme_submitter, "result-changes") == [acme_change]
    for user in (amd_submitter, member, chair):
        assert _listed(client, user, "result-changes") == []
    close_window(submitted)
    borrowing_declare(
        actor=acme_submitter, round=submitted, organization=acme, benchmark="llama2_70b_lora",
        borrowed_from=amd, description="warm-up",
    )  # fmt: skip
    for user in (amd_submitter, chair):
        assert _listed(client, user, "result-changes") == [acme_change]
        assert _listed(client, user, "borrowing") == [("acme", "", "llama2_70b_lora")]
    assert _listed(client, member, "result-changes") == []
    assert _listed(client, member, "borrowing") == []


BORROWING = {
    "organization": "acme",
    "benchmark": "llama2_70b_lora",
    "borrowed_from": "amd",
    "description": "warm-up",
}


def _post(client, user, url, body=None):
    return client.post(url, body or {}, content_type="application/json", headers=_auth(user))


def test_borrowing_is_refused_before_the_review_and_after_its_deadline(
    client, submitted, acme_submitter
):
    early = _post(client, acme_submitter, "/api/rounds/v5.1/borrowing", BORROWING)
    assert early.status_code == 403 and "during the review" in early.json()["detail"]
    close_window(submitted)
    SubmissionWindow.objects.filter(round=submitted).update(
        hyperparameters_due_at=timezone.now() - timedelta(minutes=1)
    )
    late = _post(client, acme_submitter, "/api/rounds/v5.1/borrowing", BORROWING)
    assert late.status_code == 403 and "until its deadline" in late.json()["detail"]
    assert not HyperparameterBorrowing.objects.exists()
    # The result-change deadline is the end of the review, later than borrowing's.
    change = {"organization": "acme", "system": "acme_box", "kind": "withdraw"}
    assert (
        _post(client, acme_submitter, "/api/rounds/v5.1/result-changes", change).status_code == 201
    )


def test_result_changes_and_their_cancellation_end_with_the_review(
    client, submitted, acme, acme_submitter
):
    close_window(submitted)
    change = result_change_request(
        actor=acme_submitter, round=submitted, organization=acme, system="acme_box",
        kind="withdraw",
    )  # fmt: skip
    SubmissionWindow.objects.filter(round=submitted).update(
        review_ends_at=timezone.now() - timedelta(minutes=1)
    )
    body = {"organization": "acme", "system": "acme_box", "kind": "move_to_open"}
    late = _post(client, acme_submitter, "/api/rounds/v5.1/result-changes", body)
    assert late.status_code == 403 and "final results deadline" in late.json()["detail"]
    cancel = _post(client, acme_submitter, f"/api/rounds/v5.1/result-changes/{change.pk}/cancel")
    assert cancel.status_code == 403
    assert ResultChange.objects.get().cancelled_at is None


def test_a_submitter_requests_and_cancels_a_result_change_with_a_token(
    client, submitted, acme_submitter
):
    close_window(submitted)
    body = {"organization": "acme", "system": "acme_box", "benchmark": "llama2_70b_lora",
            "kind": "move_to_open"}  # fmt: skip
    created = _post(client, acme_submitter, "/api/rounds/v5.1/result-changes", body)
    assert created.status_code == 201
    assert created.json()["kind"] == "move_to_open" and created.json()["cancelled_at"] is None
    again = _post(client, acme_submitter, "/api/rounds/v5.1/result-changes", body)
    assert again.status_code == 400 and "cancel it first" in again.json()["detail"]
    pk = created.json()["id"]
    cancelled = _post(client, acme_submitter, f"/api/rounds/v5.1/result-changes/{pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"] is not None
    assert _listed(client, acme_submitter, "result-changes") == []
    twice = _post(client, acme_submitter, f"/api/rounds/v5.1/result-changes/{pk}/cancel")
    assert twice.status_code == 400
    assert client.post("/api/rounds/v5.1/result-changes/999/cancel").status_code == 401
    missing = _post(client, acme_submitter, "/api/rounds/v5.1/result-changes/999/cancel")
    assert missing.status_code == 404


def test_the_review_chair_computes_edits_and_reads_the_assignments(
    client, submitted, review_chair, amd_submitter, member
):
    early = _post(client, review_chair, "/api/rounds/v5.1/assignments/compute")
    assert early.status_code == 400 and "once uploads are closed" in early.json()["detail"]
    close_window(submitted)
    plan = _post(client, review_chair, "/api/rounds/v5.1/assignments/compute").json()
    pairs = {(a["reviewer"], a["reviewee"]) for a in plan["assignments"]}
    assert pairs == {("acme", "amd"), ("amd", "acme")} and plan["unassigned"] == []
    listed = client.get("/api/rounds/v5.1/assignments", headers=_auth(review_chair)).json()
    assert listed == plan["assignments"]
    # The review committee sees them as on the round page; a member outside it sees none.
    assert client.get("/api/rounds/v5.1/assignments", headers=_auth(amd_submitter)).json() == listed
    assert client.get("/api/rounds/v5.1/assignments", headers=_auth(member)).json() == []
    removed = listed[0]
    gone = client.delete(
        f"/api/rounds/v5.1/assignments/{removed['id']}", headers=_auth(review_chair)
    )
    assert gone.status_code == 204
    body = {"reviewer": removed["reviewer"], "reviewee": removed["reviewee"], "note": "back"}
    added = _post(client, review_chair, "/api/rounds/v5.1/assignments", body)
    assert added.status_code == 201
    assert added.json()["computed"] is False and added.json()["note"] == "back"
    self_review = {"reviewer": "acme", "reviewee": "acme"}
    refused = _post(client, review_chair, "/api/rounds/v5.1/assignments", self_review)
    assert refused.status_code == 400 and "does not review itself" in refused.json()["detail"]


def test_the_openapi_schema_describes_the_review_endpoints(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/rounds/{name}/result-changes"]) == {"get", "post"}
    assert "post" in paths["/api/rounds/{name}/result-changes/{pk}/cancel"]
    assert set(paths["/api/rounds/{name}/borrowing"]) == {"get", "post"}
    assert set(paths["/api/rounds/{name}/assignments"]) == {"get", "post"}
    assert "delete" in paths["/api/rounds/{name}/assignments/{pk}"]
    assert "post" in paths["/api/rounds/{name}/assignments/compute"]
