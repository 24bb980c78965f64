"""The roadmap API with tokens: the same rules as the pages, for every role, in the schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from roadmap.models import Ballot, Decision, Proposal
from tests.roadmap.test_pages import (  # noqa: F401 - the shared scenario
    RESCHEDULED_TO,
    ROLES,
    world,
)
from wg.services import api_token_create


def _headers(request, role) -> dict:
    if role == "anonymous":
        return {}
    user = request.getfixturevalue(role)
    _, raw = api_token_create(actor=user, user=user, name="script")
    return {"Authorization": f"Bearer {raw}"}


def test_the_roadmap_is_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/roadmap/overview",
        "/api/roadmap/suite",
        "/api/roadmap/benchmarks/{slug}",
        "/api/roadmap/compare",
        "/api/roadmap/rounds/{name}",
        "/api/roadmap/rounds/{name}/reschedule",
        "/api/roadmap/rounds/{name}/milestones/{pk}",
        "/api/roadmap/proposals",
        "/api/roadmap/proposals/{pk}/transition",
        "/api/roadmap/proposals/{pk}/votes",
        "/api/roadmap/votes/{pk}/ballots",
        "/api/roadmap/decisions/{reference}",
    ):
        assert path in paths, path


READS = [
    ("/api/roadmap/overview", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/suite", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/benchmarks/flux1", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/compare?a=v9.0&b=v9.0", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/rounds", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/rounds/v9.0", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/proposals", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/proposals/{submitted}", dict.fromkeys(ROLES, 200)),
    (
        "/api/roadmap/proposals/{draft}",
        {r: 200 if r in ("member", "chair") else 404 for r in ROLES},
    ),
    ("/api/roadmap/votes/{vote}", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/decisions", dict.fromkeys(ROLES, 200)),
    ("/api/roadmap/decisions/{decision}", dict.fromkeys(ROLES, 200)),
]


def _url(template, world):  # noqa: F811
    return template.format(
        draft=world["draft"].pk,
        submitted=world["submitted"].pk,
        discussed=world["discussed"].pk,
        vote=world["vote"].pk,
        decision=world["decision"].reference,
        milestone=world["milestone"].pk,
        concern=world["concern"].pk,
    )


@pytest.mark.parametrize(("template", "expected"), READS, ids=[r[0] for r in READS])
def test_each_read_for_each_role(client, request, world, template, expected):  # noqa: F811
    url = _url(template, world)
    seen = {role: client.get(url, headers=_headers(request, role)).status_code for role in ROLES}
    assert seen == expected


def test_lists_and_details_hide_the_same_things(client, request, world):  # noqa: F811
    for role in ROLES:
        headers = _headers(request, role)
        titles = {p["title"] for p in client.get("/api/roadmap/proposals", headers=headers).json()}
        assert ("Secret draft" in titles) == (role in ("member", "chair"))
        detail = client.get(f"/api/roadmap/proposals/{world['submitted'].pk}", headers=headers)
        assert (detail.json()["comments"] is not None) == (role in ("member", "member_b", "chair"))
        vote = client.get(f"/api/roadmap/votes/{world['vote'].pk}", headers=headers).json()
        assert (vote["ballots"] is not None) == (role in ("member", "member_b", "chair"))


WRITES = [
    ("post", "/api/roadmap/rounds/v9.0/transition", {"to": "development"}, {"chair"}),
    ("patch", "/api/roadmap/rounds/v9.0/milestones/{milestone}", {"status": "done"}, {"chair"}),
    (
        "post",
        "/api/roadmap/rounds/v9.0/reschedule",
        {"submission_date": RESCHEDULED_TO.isoformat(), "reason": "D-2026-004"},
        {"chair"},
    ),
    (
        "post",
        "/api/roadmap/proposals/{submitted}/transition",
        {"to": "scheduled", "scheduled_for": "2099-01-01"},
        {"chair"},
    ),
    (
        "post",
        "/api/roadmap/proposals/{discussed}/decision",
        {"outcome": "rejected", "text": "No capacity"},
        {"chair"},
    ),
    (
        "post",
        "/api/roadmap/proposals/{submitted}/comments",
        {"body": "Hi"},
        {"member", "member_b", "chair"},
    ),
    (
        "post",
        "/api/roadmap/proposals/{submitted}/concerns",
        {"title": "Cost"},
        {"member", "member_b", "chair"},
    ),
    (
        "post",
        "/api/roadmap/concerns/{concern}/resolve",
        {"resolution": "OK"},
        {"member_b", "chair"},
    ),
    (
        "post",
        "/api/roadmap/votes/{vote}/ballots",
        {"choice": "yes"},
        {"member", "member_b", "chair"},
    ),
    ("post", "/api/roadmap/votes/{vote}/cancel", {"reason": "Wrong"}, {"chair"}),
    (
        "post",
        "/api/roadmap/proposals",
        {"title": "T", "kind": "rule_change", "body": "B"},
        {"member", "member_b", "chair"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "template", "payload", "allowed"), WRITES, ids=[w[1] for w in WRITES]
)
def test_each_write_for_each_role(client, request, world, role, method, template, payload, allowed):  # noqa: F811
    url = _url(template, world)
    response = getattr(client, method)(
        url, payload, content_type="application/json", headers=_headers(request, role)
    )
    if role == "anonymous":
        assert response.status_code == 401
    elif role in allowed:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code in (400, 403, 404), response.content
        assert response.json()["detail"]


def test_a_script_files_a_proposal_and_votes_with_a_token(
    client, request, planned_round, member, member_b, chair
):
    member_h, chair_h = _headers(request, "member"), _headers(request, "chair")
    created = client.post(
        "/api/roadmap/proposals",
        {
            "title": "Ten runs for dlrmv4",
            "kind": "target_change",
            "benchmark": None,
            "body": "Change *runs*.",
            "submit": True,
        },
        content_type="application/json",
        headers=member_h,
    )
    assert created.status_code == 400 and "names its benchmark" in created.json()["detail"]
    created = client.post(
        "/api/roadmap/proposals",
        {
            "title": "Longer review",
            "kind": "schedule_change",
            "target_round": "v9.0",
            "body": "Four <script>alert(1)</script> weeks.",
            "links": ["https://github.com/mlcommons/training_policies/issues/496"],
            "submit": True,
        },
        content_type="application/json",
        headers=member_h,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and "<script>" not in body["body_html"]
    assert body["needs"] == "It needs a chair to schedule it for a meeting."
    pk = body["id"]
    illegal = client.post(
        f"/api/roadmap/proposals/{pk}/transition",
        {"to": "rejected"},
        content_type="application/json",
        headers=chair_h,
    )
    assert illegal.status_code == 409 and "only by recording a decision" in illegal.json()["detail"]
    client.post(
        f"/api/roadmap/proposals/{pk}/transition",
        {"to": "in_discussion"},
        content_type="application/json",
        headers=chair_h,
    )
    opened = client.post(
        f"/api/roadmap/proposals/{pk}/votes",
        {"method": "majority", "closes_at": (timezone.now() + timedelta(hours=2)).isoformat()},
        content_type="application/json",
        headers=chair_h,
    )
    assert opened.status_code == 201, opened.content
    vote_id = opened.json()["id"]
    cast = client.post(
        f"/api/roadmap/votes/{vote_id}/ballots",
        {"choice": "yes"},
        content_type="application/json",
        headers=member_h,
    )
    assert cast.status_code == 201 and cast.json()["voting_organization"] == "alpha"
    assert Ballot.objects.count() == 1
    early = client.post(f"/api/roadmap/votes/{vote_id}/close", headers=chair_h)
    assert early.status_code == 400 and "runs until" in early.json()["detail"]
    assert not Decision.objects.exists()
    assert Proposal.objects.get(pk=pk).status == "voting"


def test_a_naive_time_in_the_api_is_pacific_time(client, request, world, chair):  # noqa: F811
    response = client.patch(
        f"/api/roadmap/rounds/v9.0/milestones/{world['milestone'].pk}",
        {"due_at": "2027-01-15T23:59:00"},
        content_type="application/json",
        headers=_headers(request, "chair"),
    )
    assert response.status_code == 200, response.content
    assert response.json()["due_at"] == "2027-01-16T07:59:00Z"


def test_a_chair_reschedules_a_round_with_a_token(client, request, planned_round, member, chair):
    url = "/api/roadmap/rounds/v9.0/reschedule"
    new = planned_round.submission_date + timedelta(weeks=2)
    payload = {"submission_date": new.isoformat(), "reason": "D-2026-004"}
    refused = client.post(
        url, payload, content_type="application/json", headers=_headers(request, "member")
    )
    assert refused.status_code == 403 and "chairs" in refused.json()["detail"]
    before = {
        m["key"]: m["due_at"] for m in client.get("/api/roadmap/rounds/v9.0").json()["milestones"]
    }
    chair_h = _headers(request, "chair")
    late = {**payload, "publication_date": new.isoformat()}
    bad = client.post(url, late, content_type="application/json", headers=chair_h)
    assert bad.status_code == 400 and "must come after" in bad.json()["detail"]
    publication = (new + timedelta(weeks=5)).isoformat()
    done = client.post(
        url,
        {**payload, "publication_date": publication},
        content_type="application/json",
        headers=chair_h,
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["submission_date"], body["publication_date"]) == (new.isoformat(), publication)
    after = {m["key"]: m["due_at"] for m in body["milestones"]}
    assert after.keys() == before.keys() and all(after[k] != before[k] for k in after)
    again = client.post(url, payload, content_type="application/json", headers=chair_h)
    assert again.status_code == 400 and "nothing changes" in again.json()["detail"]
