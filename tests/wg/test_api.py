"""The API twin of the members pages: same services, same refusals, clear messages."""

import json

import pytest

from wg.models import Invitation, NotificationPreference, Role
from wg.services import api_token_create

pytestmark = pytest.mark.django_db


def _api(client, user):
    _, raw = api_token_create(actor=user, user=user, name="t")
    return lambda method, url, body=None: getattr(client, method)(
        url,
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


def test_a_chair_invites_through_the_api_and_the_answer_has_no_link(client, chair, org_a):
    call = _api(client, chair)
    response = call(
        "post",
        "/api/wg/invitations",
        {
            "email": "new@alpha.example",
            "full_name": "New",
            "organization": "alpha",
            "roles": ["submitter"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and "token" not in json.dumps(body)
    assert Invitation.objects.get().roles == ["submitter"]
    again = call(
        "post",
        "/api/wg/invitations",
        {"email": "new@alpha.example", "full_name": "N", "roles": ["member"]},
    )
    assert again.status_code == 400 and "open invitation already" in again.json()["detail"]


def test_roles_through_the_api(client, chair, member):
    call = _api(client, chair)
    person = member.person.slug
    granted = call("post", f"/api/wg/people/{person}/roles", {"role": "observer"})
    assert granted.status_code == 201 and granted.json()["role"] == "observer"
    mine = call("post", f"/api/wg/people/{chair.person.slug}/roles", {"role": "staff"})
    assert mine.status_code == 403 and "themselves" in mine.json()["detail"]
    past = call("post", f"/api/wg/people/{person}/roles", {"role": "member", "end": "2001-01-01"})
    assert past.status_code == 400 and "past its term" in past.json()["detail"]
    ended = call("post", f"/api/wg/roles/{granted.json()['id']}/end", {"reason": "done"})
    assert ended.status_code == 200 and ended.json()["end"] is not None
    listed = call("get", f"/api/wg/people/{person}").json()
    assert {r["role"] for r in listed["roles"]} == {Role.MEMBER, Role.OBSERVER}


def test_organisations_through_the_api(client, chair, member):
    call = _api(client, chair)
    assert call("post", "/api/wg/organizations", {"name": "Gamma AI"}).status_code == 201
    assert (
        call(
            "post", "/api/wg/organizations", {"name": "Gamma Labs", "parent": "gamma-ai"}
        ).status_code
        == 201
    )
    renamed = call("patch", "/api/wg/organizations/gamma-labs", {"name": "Gamma Research"})
    assert renamed.json() == {
        "slug": "gamma-labs",
        "name": "Gamma Research",
        "parent": "gamma-ai",
        "website": "",
        "affiliates": [],
    }
    refused = _api(client, member)("post", "/api/wg/organizations", {"name": "Mine"})
    assert refused.status_code == 403


def test_a_person_sets_their_preferences_through_the_api(client, member):
    call = _api(client, member)
    listed = call("get", "/api/wg/me/notification-preferences").json()
    assert {p["kind"] for p in listed} >= {"wg.roles", "submission.verdict", "submission.reminder"}
    updated = call(
        "put",
        "/api/wg/me/notification-preferences",
        [{"kind": "submission.reminder", "delivery": "daily"}],
    )
    assert updated.status_code == 200
    assert NotificationPreference.objects.get(person=member.person).delivery == "daily"
    bad = call(
        "put",
        "/api/wg/me/notification-preferences",
        [{"kind": "wg.invitation", "delivery": "never"}],
    )
    assert bad.status_code == 400 and "always sent" in bad.json()["detail"]
    unknown = call(
        "put", "/api/wg/me/notification-preferences", [{"kind": "nope", "delivery": "never"}]
    )
    assert unknown.status_code == 404


def test_the_new_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/wg/organizations",
        "/api/wg/people",
        "/api/wg/people/{slug}/roles",
        "/api/wg/invitations",
        "/api/wg/me/notification-preferences",
        "/api/wg/rounds/{name}/dashboard",
        "/api/wg/rounds/{name}/registrations",
        "/api/wg/rounds/{name}/joint-submissions",
    ):
        assert path in paths
