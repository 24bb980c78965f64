"""Invitations: who may invite, the link (single use, expiring, hashed, a plain 404 when bad),
accepting with a new or an existing account, and the roles it grants."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import DomainError, NotFound, PermissionDenied
from core.models import AuditEvent
from tests.factories import OrganizationFactory, PersonFactory, person_with_role
from wg.models import Invitation, InvitationStatus, Notification, Person, Role, RoleAssignment
from wg.permissions import can_submit_for, forget_powers
from wg.services import invitation_accept, invitation_create, invitation_resend, invitation_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def amd(db):
    return OrganizationFactory(name="AMD", slug="amd")


def _invite(chair, **kwargs):
    values = {"email": "Dana@AMD.example", "full_name": "Dana Lee", "roles": [Role.SUBMITTER]}
    values.update(kwargs)
    return invitation_create(actor=chair, **values)


def _link(address: str) -> str:
    message = [m for m in mail.outbox if address in m.to][-1]
    return re.search(r"https?://\S+/invite/(\S+)/", message.body).group(1)


@pytest.fixture
def sent(chair, amd, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(chair, organization=amd)
    return invitation, _link("dana@amd.example")


def test_a_chair_invites_and_the_email_carries_a_link_stored_only_as_a_hash(sent):
    invitation, token = sent
    assert invitation.email == "dana@amd.example"
    assert invitation.token_hash == Invitation.hash(token) and token not in invitation.token_hash
    for row in Notification.objects.all():
        assert token not in row.body and token not in row.url  # erased once sent
    assert AuditEvent.objects.filter(action="invitation.create").exists()


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "submitter_b"])
def test_only_chairs_and_staff_invite(request, role, amd):
    with pytest.raises(PermissionDenied):
        _invite(request.getfixturevalue(role), organization=amd)


def test_accepting_creates_the_login_the_person_the_affiliation_and_the_roles(sent, amd):
    invitation, token = sent
    user, notes = invitation_accept(
        token=token, user=None, password="a sturdy passphrase 42", full_name="Dana Lee"
    )
    assert notes == [] and user.username == "dana@amd.example"
    assert user.check_password("a sturdy passphrase 42")
    person = Person.objects.get(user=user)
    assert person.emails == ["dana@amd.example"] and person.memberships.get().organization == amd
    role = RoleAssignment.objects.get(person=person)
    assert role.role == Role.SUBMITTER and role.organization == amd
    assert can_submit_for(user, amd.pk)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by == user


def test_a_link_works_once(sent):
    _, token = sent
    invitation_accept(token=token, user=None, password="a sturdy passphrase 42")
    with pytest.raises(NotFound):
        invitation_accept(token=token, user=None, password="a sturdy passphrase 42")
    assert get_user_model().objects.filter(username="dana@amd.example").count() == 1


def test_expired_used_revoked_and_guessed_links_get_the_same_404(
    client, sent, chair, amd, django_capture_on_commit_callbacks
):
    _, token = sent
    with django_capture_on_commit_callbacks(execute=True):
        expired_inv = _invite(chair, email="old@amd.example", organization=amd)
        revoked_inv = _invite(chair, email="rev@amd.example", organization=amd)
    Invitation.objects.filter(pk=expired_inv.pk).update(expires_at=timezone.now() - timedelta(1))
    expired = _link("old@amd.example")
    revoked = _link("rev@amd.example")
    invitation_revoke(actor=chair, invitation=revoked_inv)
    invitation_accept(token=token, user=None, password="a sturdy passphrase 42")
    bodies = set()
    for bad in (token, expired, revoked, "x" * 43):
        response = client.get(f"/invite/{bad}/")
        assert response.status_code == 404
        bodies.add(response.content.decode().replace(bad, "TOKEN"))  # the login link's ?next=
        assert client.post(f"/invite/{bad}/", {"password1": "x"}).status_code == 404
    assert len(bodies) == 1


def test_an_address_with_an_account_is_linked_not_duplicated(
    chair, amd, eager, client, django_capture_on_commit_callbacks
):
    existing = person_with_role(Role.MEMBER, username="dana")
    existing.user.email = "dana@amd.example"
    existing.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(chair, organization=amd)
    assert invitation.person == existing
    token = _link("dana@amd.example")
    assert "log in and accept" in mail.outbox[-1].body
    with pytest.raises(PermissionDenied, match="has an account already"):
        invitation_accept(token=token, user=None, password="whatever 123456")
    page = client.get(f"/invite/{token}/").content.decode()
    assert "has an account already" in page and "Choose a password" not in page
    user, _ = invitation_accept(token=token, user=existing.user)
    assert user == existing.user and get_user_model().objects.count() == 2  # chair + dana
    forget_powers(user)
    assert can_submit_for(user, amd.pk)


def test_a_person_known_without_a_login_gets_one_on_accept(
    chair, eager, django_capture_on_commit_callbacks
):
    victor = PersonFactory(user=None, slug="victor", full_name="Victor B", emails=[])
    RoleAssignment.objects.create(person=victor, role=Role.CHAIR, start=date(2020, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=chair, email="victor@example.org", full_name="Victor B", person=victor
        )
    token = _link("victor@example.org")
    user, _ = invitation_accept(token=token, user=None, password="a sturdy passphrase 42")
    victor.refresh_from_db()
    assert victor.user == user and victor.emails == ["victor@example.org"]
    assert Person.objects.count() == 2 and invitation.roles == []


def test_nobody_invites_themselves(chair, amd):
    chair.email = "me@chair.example"
    chair.save()
    with pytest.raises(PermissionDenied, match="yourself"):
        _invite(chair, email="ME@chair.example", roles=[Role.CHAIR])


def test_a_logged_in_inviter_cannot_accept_a_new_persons_invitation(sent, chair):
    _, token = sent
    with pytest.raises(PermissionDenied, match="log out"):
        invitation_accept(token=token, user=chair, password="a sturdy passphrase 42")


def test_bad_input_is_refused_with_a_reason(chair, amd):
    with pytest.raises(DomainError, match="past its term"):
        _invite(chair, organization=amd, role_end=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DomainError, match="choose one"):
        _invite(chair)
    with pytest.raises(DomainError, match="not an email address"):
        _invite(chair, email="not-an-address", organization=amd)
    with pytest.raises(DomainError, match="at least one role"):
        _invite(chair, roles=[])
    assert not Invitation.objects.exists()


def test_a_second_open_invitation_to_the_same_address_is_refused(sent, chair, amd):
    with pytest.raises(DomainError, match="open invitation already"):
        _invite(chair, organization=amd)


def test_a_weak_password_is_refused_and_the_link_still_works(sent):
    _, token = sent
    with pytest.raises(DomainError, match=r"too short|too common"):
        invitation_accept(token=token, user=None, password="abc")
    invitation_accept(token=token, user=None, password="a sturdy passphrase 42")


def test_resending_replaces_the_link(sent, chair, django_capture_on_commit_callbacks):
    invitation, old = sent
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(actor=chair, invitation=invitation)
    new = _link("dana@amd.example")
    assert new != old
    with pytest.raises(NotFound):
        invitation_accept(token=old, user=None, password="a sturdy passphrase 42")
    invitation_accept(token=new, user=None, password="a sturdy passphrase 42")


def test_a_role_whose_term_ended_before_acceptance_is_not_granted(sent, chair, amd):
    invitation, token = sent
    Invitation.objects.filter(pk=invitation.pk).update(role_end=timezone.localdate() - timedelta(1))
    user, notes = invitation_accept(token=token, user=None, password="a sturdy passphrase 42")
    assert notes and "not granted" in notes[0]
    assert not RoleAssignment.objects.filter(person__user=user).exists()


def test_the_accept_page_sets_the_password_logs_in_and_lands_on_the_personal_page(client, sent):
    _, token = sent
    response = client.post(
        f"/invite/{token}/",
        {
            "full_name": "Dana Lee",
            "password1": "a sturdy passphrase 42",
            "password2": "a sturdy passphrase 42",
        },
    )
    assert response.status_code == 302 and response.url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_the_accept_page_says_what_is_wrong(client, sent):
    _, token = sent
    response = client.post(
        f"/invite/{token}/",
        {"full_name": "D", "password1": "a sturdy passphrase 42", "password2": "other"},
    )
    assert response.status_code == 200 and "The two passwords differ." in response.content.decode()


def test_of_two_chairs_inviting_the_same_address_at_once_the_second_is_refused(
    chair, amd, monkeypatch
):
    """The race: the other chair's invitation lands between our check and our insert."""
    other = person_with_role(Role.CHAIR, amd, username="other-chair").user
    real = invitation_create.__globals__["secrets"].token_urlsafe

    def meanwhile(n):
        monkeypatch.undo()  # only once
        Invitation.objects.create(
            email="dana@amd.example",
            full_name="Dana Lee",
            token_hash=Invitation.hash(real(n)),
            invited_by=other,
            expires_at=timezone.now() + timedelta(days=14),
        )
        return real(n)

    monkeypatch.setattr(invitation_create.__globals__["secrets"], "token_urlsafe", meanwhile)
    with pytest.raises(DomainError, match="open invitation already"):
        _invite(chair, organization=amd)
    # (The other chair's row is rolled back with ours here; in life it is its own transaction.)
    assert not Invitation.objects.filter(invited_by=chair).exists()


def test_the_database_holds_one_pending_invitation_per_address(sent, chair):
    invitation, _ = sent
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email=invitation.email,
            full_name="Dana Lee",
            token_hash="0" * 64,
            invited_by=chair,
            expires_at=timezone.now() + timedelta(days=14),
        )


def test_an_expired_invitation_gives_way_to_a_new_one(sent, chair, amd):
    old, _ = sent
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    new = _invite(chair, organization=amd)
    old.refresh_from_db()
    assert (old.status, new.status) == (InvitationStatus.REVOKED, InvitationStatus.PENDING)
    event = AuditEvent.objects.filter(action="invitation.revoke").get()
    assert event.reason == "expired; replaced by a new invitation"
