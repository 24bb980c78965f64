"""Every page and API endpoint of people, organisations, invitations, notifications and the
personal pages, for each role: anonymous, outsider, member, submitter of another organisation,
chair. A refused write changes nothing."""

import pytest

from roadmap.models import Round
from tests.factories import person_with_role
from wg.models import Invitation, Notification, NotificationStatus, Role, RoundRegistration

ROLES = ["anonymous", "outsider", "member", "submitter_b", "chair"]
LOGIN = 302  # anonymous visitors of a page go to the login page


def _per_role(anonymous, outsider, member, submitter_b, chair):
    return dict(zip(ROLES, (anonymous, outsider, member, submitter_b, chair), strict=True))


CHAIRS_ONLY = _per_role(LOGIN, 404, 404, 404, 200)
MEMBERS = _per_role(LOGIN, 404, 200, 200, 200)
LOGGED_IN = _per_role(LOGIN, 200, 200, 200, 200)

PAGES = [
    ("/wg/members/", CHAIRS_ONLY),
    ("/wg/people/{person}/", CHAIRS_ONLY),
    ("/wg/invitations/new/", CHAIRS_ONLY),
    ("/wg/organizations/new/", CHAIRS_ONLY),
    ("/wg/organizations/alpha/edit/", CHAIRS_ONLY),
    ("/wg/announcements/new/", CHAIRS_ONLY),
    ("/wg/outbox/", CHAIRS_ONLY),
    ("/dashboard/rounds/v9.9/", CHAIRS_ONLY),
    ("/wg/announcements/", MEMBERS),
    ("/organizations/", MEMBERS),
    ("/organizations/alpha/", MEMBERS),
    ("/dashboard/", LOGGED_IN),
    ("/accounts/me/", LOGGED_IN),
    ("/accounts/notifications/", LOGGED_IN),
    ("/accounts/password_change/", LOGGED_IN),
    ("/accounts/password_reset/", _per_role(200, 200, 200, 200, 200)),
]

API = [
    ("/api/wg/organizations", _per_role(401, 403, 200, 200, 200)),
    ("/api/wg/people", _per_role(401, 403, 403, 403, 200)),
    ("/api/wg/people/{person}", _per_role(401, 403, 403, 403, 200)),
    ("/api/wg/invitations", _per_role(401, 403, 403, 403, 200)),
    ("/api/wg/me/notification-preferences", _per_role(401, 200, 200, 200, 200)),
    ("/api/wg/rounds/v9.9/dashboard", _per_role(401, 403, 403, 403, 200)),
    ("/api/wg/rounds/v9.9/registrations", _per_role(401, 403, 200, 200, 200)),
]


@pytest.fixture
def world(db, org_a):
    round_ = Round.objects.create(name="v9.9", ruleset="5.1.0")
    target = person_with_role(Role.MEMBER, org_a, username="target")
    return {"round": round_, "person": target}


def _client(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_pages_per_role(client, request, world, role, url, expected):
    response = _client(client, request, role).get(url.format(person=world["person"].slug))
    assert response.status_code == expected[role]
    if expected[role] == LOGIN:
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url,expected", API, ids=[a[0] for a in API])
def test_api_per_role(client, request, world, role, url, expected):
    response = _client(client, request, role).get(url.format(person=world["person"].slug))
    assert response.status_code == expected[role]


def _writes(world):
    """POST endpoints: (url, data, did it write?, roles allowed)."""
    person, round_ = world["person"], world["round"]
    role_row = person.roles.get()
    return [
        (
            f"/wg/people/{person.slug}/roles/",
            {"role": "observer"},
            lambda: person.roles.filter(role="observer").exists(),
            {"chair"},
        ),
        (
            f"/wg/roles/{role_row.pk}/end/",
            {"reason": "stepped down"},
            lambda: person.roles.filter(end__isnull=False).exists(),
            {"chair"},
        ),
        (
            "/wg/invitations/new/",
            {"full_name": "New One", "email": "new@example.org", "roles": ["member"]},
            lambda: Invitation.objects.filter(email="new@example.org").exists(),
            {"chair"},
        ),
        (
            "/wg/organizations/new/",
            {"name": "Gamma"},
            lambda: (
                __import__("wg.models", fromlist=["Organization"])
                .Organization.objects.filter(name="Gamma")
                .exists()
            ),
            {"chair"},
        ),
        (
            "/wg/announcements/new/",
            {"subject": "Hello", "body": "List"},
            lambda: __import__(
                "wg.models", fromlist=["Announcement"]
            ).Announcement.objects.exists(),
            {"chair"},
        ),
        (
            f"/dashboard/rounds/{round_.name}/registrations/",
            {"organization": "alpha"},
            lambda: RoundRegistration.objects.filter(organization__slug="alpha").exists(),
            {"chair"},  # and alpha's own submitters, tested with the portal
        ),
        (
            f"/dashboard/rounds/{round_.name}/joint/",
            {"first": "alpha", "second": "beta"},
            lambda: __import__(
                "wg.models", fromlist=["JointSubmission"]
            ).JointSubmission.objects.exists(),
            {"chair"},
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(7))
def test_writes_per_role(client, request, world, org_b, role, index):
    url, data, wrote, allowed = _writes(world)[index]
    response = _client(client, request, role).post(url, data)
    assert wrote() is (role in allowed), url
    if role == "anonymous":
        assert response.status_code == LOGIN and "/accounts/login/" in response.url


@pytest.mark.parametrize("role", ROLES)
def test_invitation_revoke_resend_and_outbox_retry_are_the_chairs(client, request, world, role):
    from wg.notifications import Recipient, notification_enqueue
    from wg.notifications.kinds import ROLES as ROLES_KIND

    chair_user = request.getfixturevalue("chair")
    invitation = Invitation.objects.create(
        email="x@example.org",
        full_name="X",
        token_hash="0" * 64,
        invited_by=chair_user,
        expires_at="2100-01-01T00:00Z",
    )
    row = notification_enqueue(
        kind=ROLES_KIND.code,
        event_key="k",
        recipients=[Recipient(email="y@example.org")],
        subject="s",
        template="wg/email/role.txt",
    )[0]
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.FAILED)
    c = _client(client, request, role)
    c.post(f"/wg/invitations/{invitation.pk}/resend/")
    resent = Invitation.objects.get(pk=invitation.pk).token_hash != "0" * 64
    c.post(f"/wg/outbox/{row.pk}/retry/")
    retried = Notification.objects.get(pk=row.pk).status != NotificationStatus.FAILED
    c.post(f"/wg/invitations/{invitation.pk}/revoke/")
    revoked = Invitation.objects.get(pk=invitation.pk).status == "revoked"
    assert (resent, retried, revoked) == ((role == "chair",) * 3)
