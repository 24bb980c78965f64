"""What the working-group home page shows, shared by the page and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from meetings.models import Resource
from meetings.selectors import NextMeeting, next_meeting, resource_list_for_user
from wg.models import Membership, Person, Role, WorkingGroup
from wg.permissions import is_member
from wg.selectors import people_with_role


@dataclass(frozen=True)
class HomePage:
    working_group: WorkingGroup
    chairs: list[Person]
    next_meeting: NextMeeting | None
    resources: list[Resource]
    mailing_list: str


def home_page(*, user: Any, now: datetime) -> HomePage | None:
    wg = WorkingGroup.objects.order_by("pk").first()
    if wg is None:
        return None
    return HomePage(
        working_group=wg,
        chairs=list(
            people_with_role(role=Role.CHAIR).prefetch_related(
                Prefetch(
                    "memberships",
                    Membership.objects.current().select_related("organization"),
                    to_attr="current_memberships",
                )
            )
        ),
        next_meeting=next_meeting(user=user, working_group=wg, now=now),
        resources=list(resource_list_for_user(user=user, working_group=wg)),
        # The public page names the list; its address is for members.
        mailing_list=settings.WG_MAILING_LIST if is_member(user) else "",
    )
