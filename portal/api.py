"""API for the working-group page: the same data as ``/``, filtered by the caller's role."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from core.errors import NotFound
from portal.selectors import home_page
from wg.api_auth import auth_optional

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
