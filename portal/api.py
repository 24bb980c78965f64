"""API for the working-group page: the same data as ``/``, filtered by the caller's role."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from core.errors import DomainError, NotFound, PermissionDenied
from portal import dashboard
from portal.selectors import home_page
from roadmap.models import Round
from wg.api_auth import auth_optional, auth_required
from wg.models import Organization, RoundRegistration
from wg.permissions import can_manage_round, is_member
from wg.services import (
    joint_submission_record,
    round_registration_create,
    round_registration_delete,
)

router = Router(tags=["working group"])


class PersonOut(Schema):
    slug: str
    full_name: str
    title: str
    bio: str


class MeetingOut(Schema):
    name: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    join_url: str


class ResourceOut(Schema):
    slug: str
    title: str
    url: str
    description: str
    visibility: str


class WorkingGroupOut(Schema):
    name: str
    mission: str
    deliverables: list[str]
    mailing_list: str
    chairs: list[PersonOut]
    next_meeting: MeetingOut | None
    resources: list[ResourceOut]


@router.get("", response=WorkingGroupOut, auth=auth_optional)
def working_group(request: HttpRequest) -> WorkingGroupOut:
    page = home_page(user=request.user, now=timezone.now())
    if page is None:
        raise NotFound("The working group's data has not been loaded.")
    meeting = page.next_meeting
    return WorkingGroupOut(
        name=page.working_group.name,
        mission=page.working_group.mission,
        deliverables=page.working_group.deliverables,
        mailing_list=page.mailing_list,
        chairs=[PersonOut.from_orm(p) for p in page.chairs],
        next_meeting=None
        if meeting is None
        else MeetingOut(
            name=meeting.series.name,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            time_zone=meeting.series.time_zone,
            join_url=meeting.join_url,
        ),
        resources=[ResourceOut.from_orm(r) for r in page.resources],
    )


# --- The chairs' round dashboard, registrations and joint submissions ------------------------


class DeadlineOut(Schema):
    label: str
    at: datetime
    seconds_left: int | None


class DashboardRowOut(Schema):
    organization: str
    registered: bool
    versions: int
    latest_version: int | None
    latest_status: str | None
    counting_version: int | None
    extension_until: datetime | None
    open_objections_filed: int
    open_objections_against: int
    joint_with: list[str]


class DashboardOut(Schema):
    round: str
    phase: str
    deadlines: list[DeadlineOut]
    organizations: list[DashboardRowOut]
    open_objections: int
    failed_notifications: int


class RegistrationIn(Schema):
    organization: str


class RegistrationOut(Schema):
    round: str
    organization: str
    registered_at: datetime


class JointIn(Schema):
    organizations: list[str]
    note: str = ""


class JointOut(Schema):
    round: str
    organizations: list[str]
    note: str


def _round(name: str) -> Round:
    round_ = Round.objects.select_related("window").filter(name=name).first()
    if round_ is None:
        raise NotFound(f"No round {name}.")
    return round_


def _org(slug: str) -> Organization:
    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise NotFound(f"No organisation {slug}.")
    return org


@router.get("/rounds/{name}/dashboard", response=DashboardOut, auth=auth_required)
def round_dashboard(request: HttpRequest, name: str) -> DashboardOut:
    if not can_manage_round(request.user):
        raise PermissionDenied("The round dashboard is the chairs'.")
    board = dashboard.round_dashboard(round=_round(name), now=timezone.now())
    return DashboardOut(
        round=board.round.name,
        phase=board.phase,
        deadlines=[
            DeadlineOut(
                label=d.label,
                at=d.at,
                seconds_left=int(d.left.total_seconds()) if d.left else None,
            )
            for d in board.deadlines
        ],
        organizations=[
            DashboardRowOut(
                organization=r.organization.slug,
                registered=r.registration is not None,
                versions=r.version_count,
                latest_version=r.latest.number if r.latest else None,
                latest_status=r.latest.status if r.latest else None,
                counting_version=r.counting.number if r.counting else None,
                extension_until=r.extension.until if r.extension else None,
                open_objections_filed=r.open_by,
                open_objections_against=r.open_against,
                joint_with=[o.slug for o in r.joint_with],
            )
            for r in board.rows
        ],
        open_objections=len(board.open_objections),
        failed_notifications=board.failed_notifications,
    )


@router.get("/rounds/{name}/registrations", response=list[RegistrationOut], auth=auth_required)
def registration_list(request: HttpRequest, name: str) -> list[RegistrationOut]:
    if not is_member(request.user):
        raise PermissionDenied("Registrations are listed for the working group's members.")
    round_ = _round(name)
    return [
        RegistrationOut(
            round=round_.name, organization=r.organization.slug, registered_at=r.registered_at
        )
        for r in RoundRegistration.objects.filter(round=round_).select_related("organization")
    ]


@router.post("/rounds/{name}/registrations", response={201: RegistrationOut}, auth=auth_required)
def registration_create(request: HttpRequest, name: str, payload: RegistrationIn) -> Status:
    round_ = _round(name)
    row = round_registration_create(
        actor=request.user, round=round_, organization=_org(payload.organization)
    )
    return Status(
        201,
        RegistrationOut(
            round=round_.name, organization=row.organization.slug, registered_at=row.registered_at
        ),
    )


@router.delete("/rounds/{name}/registrations/{org}", response={204: None}, auth=auth_required)
def registration_delete(request: HttpRequest, name: str, org: str) -> Status:
    round_registration_delete(actor=request.user, round=_round(name), organization=_org(org))
    return Status(204, None)


@router.post("/rounds/{name}/joint-submissions", response={201: JointOut}, auth=auth_required)
def joint_create(request: HttpRequest, name: str, payload: JointIn) -> Status:
    if len(payload.organizations) != 2:
        raise DomainError("A joint submission names two organisations.")
    round_ = _round(name)
    first, second = (_org(s) for s in payload.organizations)
    joint = joint_submission_record(
        actor=request.user, round=round_, organizations=(first, second), note=payload.note
    )
    return Status(
        201,
        JointOut(
            round=round_.name, organizations=[joint.first.slug, joint.second.slug], note=joint.note
        ),
    )
