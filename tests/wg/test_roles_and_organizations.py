"""Granting and ending roles, organisations and affiliates, registrations and joint
submissions: the rules, the audit trail and the message to the person concerned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from core.models import AuditEvent
from roadmap.models import Round
from tests.factories import OrganizationFactory, person_with_role
from wg.models import JointSubmission, Notification, Role, RoleAssignment, RoundRegistration
from wg.permissions import can_submit_for, forget_powers
from wg.services import (
    joint_submission_record,
    organization_create,
    organization_update,
    role_grant,
    role_revoke,
    round_registration_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(org_a):
    person = person_with_role(None, org_a, username="dana")
    person.emails = ["dana@alpha.example"]
    person.save()
    return person


def test_a_chair_grants_a_role_the_person_is_told_and_the_audit_has_it(chair, dana, org_a):
    row = role_grant(actor=chair, person=dana, role=Role.SUBMITTER, organization=org_a)
    forget_powers(dana.user)
    assert can_submit_for(dana.user, org_a.pk)
    message = Notification.objects.get(person=dana)
    assert message.kind == "wg.roles" and "Submitter contact for Alpha Systems" in message.subject
    assert AuditEvent.objects.filter(action="roleassignment.create", object_id=str(row.pk)).exists()


def test_a_chair_cannot_grant_themselves_a_role(chair):
    with pytest.raises(PermissionDenied, match="themselves"):
        role_grant(actor=chair, person=chair.person, role=Role.STAFF)
    assert not RoleAssignment.objects.filter(role=Role.STAFF).exists()


def test_a_role_past_its_term_is_refused(chair, dana):
    with pytest.raises(DomainError, match="past its term"):
        role_grant(
            actor=chair, person=dana, role=Role.MEMBER, end=timezone.localdate() - timedelta(days=1)
        )


def test_scopes_are_required(chair, dana):
    with pytest.raises(DomainError, match="organisation"):
        role_grant(actor=chair, person=dana, role=Role.SUBMITTER)
    with pytest.raises(DomainError, match="round"):
        role_grant(actor=chair, person=dana, role=Role.REVIEW_CHAIR)


@pytest.mark.parametrize("role", ["member", "submitter_b", "outsider"])
def test_only_chairs_and_staff_grant_roles(request, role, dana):
    with pytest.raises(PermissionDenied):
        role_grant(actor=request.getfixturevalue(role), person=dana, role=Role.MEMBER)


def test_ending_a_role_takes_the_power_away_and_says_so(chair, member):
    row = RoleAssignment.objects.get(person__user=member)
    role_revoke(
        actor=chair, assignment=row, end=timezone.localdate() - timedelta(days=0), reason="left"
    )
    forget_powers(member)
    from wg.permissions import is_member

    # Ends today: still a member today, not tomorrow.
    assert is_member(member)
    row.refresh_from_db()
    assert row.end == timezone.localdate()
    with pytest.raises(DomainError, match="already ends"):
        role_revoke(actor=chair, assignment=row)


def test_organisations_are_created_renamed_and_affiliated(chair):
    parent = organization_create(actor=chair, name="Dell Technologies")
    child = organization_create(actor=chair, name="Dell EMC", slug="dell-emc")
    organization_update(actor=chair, organization=child, name="Dell EMC Labs", parent=parent)
    child.refresh_from_db()
    assert child.name == "Dell EMC Labs" and child.voting_organization == parent
    with pytest.raises(DomainError, match="already"):
        organization_create(actor=chair, name="dell technologies")
    with pytest.raises(DomainError, match="own"):
        organization_update(actor=chair, organization=parent, name="Dell", parent=child)


def test_registrations_by_the_chair_or_the_organisations_own_submitter(
    chair, submitter_a, submitter_b, org_a
):
    round_ = Round.objects.create(name="v9.9", ruleset="5.1.0")
    with pytest.raises(PermissionDenied):
        round_registration_create(actor=submitter_b, round=round_, organization=org_a)
    round_registration_create(actor=submitter_a, round=round_, organization=org_a)
    round_registration_create(actor=chair, round=round_, organization=org_a)
    assert RoundRegistration.objects.count() == 1
    round_.published_at = timezone.now()
    with pytest.raises(DomainError, match="published"):
        round_registration_create(actor=chair, round=round_, organization=OrganizationFactory())


def test_a_joint_submission_is_one_pair_per_round(chair, org_a, org_b, submitter_a):
    round_ = Round.objects.create(name="v9.9", ruleset="5.1.0")
    joint_submission_record(actor=chair, round=round_, organizations=(org_b, org_a))
    joint_submission_record(actor=chair, round=round_, organizations=(org_a, org_b))
    assert JointSubmission.objects.get().first == min((org_a, org_b), key=lambda o: o.pk)
    with pytest.raises(DomainError):
        joint_submission_record(actor=chair, round=round_, organizations=(org_a, org_a))
    with pytest.raises(PermissionDenied):
        joint_submission_record(actor=submitter_a, round=round_, organizations=(org_a, org_b))


def test_the_admin_shows_registrations_and_joint_submissions_but_never_writes_them(admin_client):
    # A joint pair grants review access: it is recorded through the chairs' services, with
    # their audit events, never by editing rows in the back office.
    for model in ("roundregistration", "jointsubmission"):
        assert admin_client.get(f"/admin/wg/{model}/").status_code == 200
        assert admin_client.get(f"/admin/wg/{model}/add/").status_code == 403
