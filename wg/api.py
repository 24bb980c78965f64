"""REST API for organisations, people, roles and invitations (chairs and staff) and a person's
own notification preferences. The same services and permission functions as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from core.errors import NotFound, PermissionDenied
from wg import selectors, services
from wg.api_auth import auth_required
from wg.models import Invitation, InvitationStatus, Organization, Person, RoleAssignment
from wg.notifications import kinds_configurable
from wg.notifications.preferences import preference_set, preferences_for
from wg.permissions import can_manage_working_group, can_view_directory

router = Router(tags=["people and organisations"])


class OrganizationOut(Schema):
    slug: str
    name: str
    parent: str | None
    website: str
    affiliates: list[str]


class OrganizationIn(Schema):
    name: str
    slug: str = ""
    parent: str | None = None
    website: str = ""


class OrganizationPatch(Schema):
    name: str | None = None
    parent: str | None = None
    website: str | None = None


class RoleOut(Schema):
    id: int
    role: str
    organization: str | None
    round_name: str
    start: date
    end: date | None
    note: str


class PersonOut(Schema):
    slug: str
    full_name: str
    title: str
    emails: list[str]
    has_login: bool
    organizations: list[str]
    roles: list[RoleOut]


class RoleIn(Schema):
    role: str
    organization: str | None = None
    round_name: str = ""
    start: date | None = None
    end: date | None = None
    note: str = ""


class RoleEndIn(Schema):
    end: date | None = None
    reason: str = ""


class InvitationIn(Schema):
    email: str
    full_name: str
    organization: str | None = None
    roles: list[str] = []
    round_name: str = ""
    role_end: date | None = None
    message: str = ""
    person: str | None = None


class InvitationOut(Schema):
    id: int
    email: str
    full_name: str
    organization: str | None
    roles: list[str]
    status: str
    expired: bool
    created_at: datetime
    expires_at: datetime
    person: str | None


class PreferenceOut(Schema):
    kind: str
    label: str
    description: str
    delivery: str


class PreferenceIn(Schema):
    kind: str
    delivery: str


def _manager(request: HttpRequest) -> None:
    if not can_manage_working_group(request.user):
        raise PermissionDenied("Only the chairs and staff manage people and organisations.")


def _org(slug: str | None) -> Organization | None:
    return get_object_or_404(Organization, slug=slug) if slug else None


def _org_out(org: Organization) -> OrganizationOut:
    return OrganizationOut(
        slug=org.slug,
        name=org.name,
        parent=org.parent.slug if org.parent_id else None,
        website=org.website,
        affiliates=[a.slug for a in org.affiliates.all()],
    )


def _role_out(r: RoleAssignment) -> RoleOut:
    return RoleOut(
        id=r.pk,
        role=r.role,
        organization=r.organization.slug if r.organization_id else None,
        round_name=r.round_name,
        start=r.start,
        end=r.end,
        note=r.note,
    )


def _person_out(p: Person) -> PersonOut:
    return PersonOut(
        slug=p.slug,
        full_name=p.full_name,
        title=p.title,
        emails=p.emails,
        has_login=p.user_id is not None,
        organizations=[m.organization.slug for m in p.current_memberships],
        roles=[_role_out(r) for r in p.roles.all()],
    )


def _invitation_out(i: Invitation) -> InvitationOut:
    return InvitationOut(
        id=i.pk,
        email=i.email,
        full_name=i.full_name,
        organization=i.organization.slug if i.organization_id else None,
        roles=i.roles,
        status=i.status,
        expired=i.status == InvitationStatus.PENDING and not i.is_open,
        created_at=i.created_at,
        expires_at=i.expires_at,
        person=i.person.slug if i.person_id else None,
    )


@router.get("/organizations", response=list[OrganizationOut], auth=auth_required)
def organization_list(request: HttpRequest) -> list[OrganizationOut]:
    if not can_view_directory(request.user):
        raise PermissionDenied("The organisations are listed for the working group's members.")
    orgs = Organization.objects.select_related("parent").prefetch_related("affiliates")
    return [_org_out(o) for o in orgs]


@router.post("/organizations", response={201: OrganizationOut}, auth=auth_required)
def organization_create(request: HttpRequest, payload: OrganizationIn) -> Status:
    org = services.organization_create(
        actor=request.user,
        name=payload.name,
        slug=payload.slug,
        parent=_org(payload.parent),
        website=payload.website,
    )
    return Status(201, _org_out(org))


@router.patch("/organizations/{slug}", response=OrganizationOut, auth=auth_required)
def organization_update(
    request: HttpRequest, slug: str, payload: OrganizationPatch
) -> OrganizationOut:
    _manager(request)
    org = get_object_or_404(Organization, slug=slug)
    fields = payload.dict(exclude_unset=True)
    parent = _org(fields["parent"]) if "parent" in fields else org.parent
    org = services.organization_update(
        actor=request.user,
        organization=org,
        name=fields.get("name") or org.name,
        parent=parent,
        website=fields.get("website", org.website) or "",
    )
    return _org_out(org)


@router.get("/people", response=list[PersonOut], auth=auth_required)
def person_list(request: HttpRequest) -> list[PersonOut]:
    _manager(request)
    people = selectors.people_with_terms().prefetch_related("roles__organization")
    return [_person_out(p) for p in people.order_by("full_name")]


@router.get("/people/{slug}", response=PersonOut, auth=auth_required)
def person_get(request: HttpRequest, slug: str) -> PersonOut:
    _manager(request)
    person = selectors.people_with_terms().filter(slug=slug).first()
    if person is None:
        raise NotFound(f"No person {slug}.")
    return _person_out(person)


@router.post("/people/{slug}/roles", response={201: RoleOut}, auth=auth_required)
def role_grant(request: HttpRequest, slug: str, payload: RoleIn) -> Status:
    _manager(request)
    person = get_object_or_404(Person, slug=slug)
    row = services.role_grant(
        actor=request.user,
        person=person,
        role=payload.role,
        organization=_org(payload.organization),
        round_name=payload.round_name,
        start=payload.start,
        end=payload.end,
        note=payload.note,
    )
    return Status(201, _role_out(row))


@router.post("/roles/{role_id}/end", response=RoleOut, auth=auth_required)
def role_end(request: HttpRequest, role_id: int, payload: RoleEndIn) -> RoleOut:
    _manager(request)
    row = get_object_or_404(RoleAssignment, pk=role_id)
    return _role_out(
        services.role_revoke(
            actor=request.user, assignment=row, end=payload.end, reason=payload.reason
        )
    )


@router.get("/invitations", response=list[InvitationOut], auth=auth_required)
def invitation_list(request: HttpRequest) -> list[InvitationOut]:
    _manager(request)
    rows = Invitation.objects.select_related("organization", "person")[:500]
    return [_invitation_out(i) for i in rows]


@router.post("/invitations", response={201: InvitationOut}, auth=auth_required)
def invitation_create(request: HttpRequest, payload: InvitationIn) -> Status:
    """The link goes to the invitee by email only; it is never in an API answer."""
    person = get_object_or_404(Person, slug=payload.person) if payload.person else None
    invitation = services.invitation_create(
        actor=request.user,
        email=payload.email,
        full_name=payload.full_name,
        organization=_org(payload.organization),
        roles=payload.roles,
        round_name=payload.round_name,
        role_end=payload.role_end,
        message=payload.message,
        person=person,
    )
    return Status(201, _invitation_out(invitation))


@router.post("/invitations/{invitation_id}/revoke", response=InvitationOut, auth=auth_required)
def invitation_revoke(request: HttpRequest, invitation_id: int) -> InvitationOut:
    _manager(request)
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    return _invitation_out(services.invitation_revoke(actor=request.user, invitation=invitation))


@router.post("/invitations/{invitation_id}/resend", response=InvitationOut, auth=auth_required)
def invitation_resend(request: HttpRequest, invitation_id: int) -> InvitationOut:
    _manager(request)
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    return _invitation_out(services.invitation_resend(actor=request.user, invitation=invitation))


def _me(request: HttpRequest) -> Person:
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise NotFound("This login is not linked to a person of the working group.")
    return person


def _preferences(person: Person) -> list[PreferenceOut]:
    chosen = preferences_for(person)
    return [
        PreferenceOut(
            kind=k.code, label=k.label, description=k.description, delivery=chosen[k.code]
        )
        for k in kinds_configurable()
    ]


@router.get("/me/notification-preferences", response=list[PreferenceOut], auth=auth_required)
def preference_list(request: HttpRequest) -> list[PreferenceOut]:
    return _preferences(_me(request))


@router.put("/me/notification-preferences", response=list[PreferenceOut], auth=auth_required)
def preference_update(request: HttpRequest, payload: list[PreferenceIn]) -> list[PreferenceOut]:
    person = _me(request)
    for item in payload:
        try:
            preference_set(
                actor=request.user, person=person, kind=item.kind, delivery=item.delivery
            )
        except ValueError as exc:
            raise NotFound(str(exc)) from None
    return _preferences(person)
