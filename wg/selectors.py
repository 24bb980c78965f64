"""Reads of organisations, people, roles, invitations and the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core.audit import audit_history
from core.models import AuditEvent
from wg.models import (
    ApiToken,
    Invitation,
    InvitationStatus,
    Membership,
    Notification,
    NotificationStatus,
    Organization,
    Person,
    Role,
    RoleAssignment,
)


def people_with_role(*, role: Role | str, on: date | None = None) -> QuerySet[Person]:
    holders = RoleAssignment.objects.current(on).filter(role=role).values("person_id")
    return Person.objects.filter(pk__in=holders).order_by("full_name")


# --- The members page, a person's roles, invitations, the outbox ------------------------------


@dataclass
class MembersPage:
    organizations: list[Organization]  # top-level ones, with ``affiliates`` prefetched
    people: list[Person]  # with ``current_roles`` and ``current_memberships``
    invitations: list[Invitation]  # pending, newest first
    failed_notifications: int


def people_with_terms(on: date | None = None) -> QuerySet[Person]:
    day = on or timezone.localdate()
    return Person.objects.select_related("user").prefetch_related(
        Prefetch(
            "roles",
            RoleAssignment.objects.current(day).select_related("organization"),
            to_attr="current_roles",
        ),
        Prefetch(
            "memberships",
            Membership.objects.current(day).select_related("organization"),
            to_attr="current_memberships",
        ),
    )


def members_page() -> MembersPage:
    return MembersPage(
        organizations=list(
            Organization.objects.filter(parent__isnull=True)
            .prefetch_related("affiliates")
            .order_by("name")
        ),
        people=list(people_with_terms().order_by("full_name")),
        invitations=list(
            Invitation.objects.filter(status=InvitationStatus.PENDING)
            .select_related("organization", "invited_by")
            .order_by("-created_at")
        ),
        failed_notifications=Notification.objects.filter(status=NotificationStatus.FAILED).count(),
    )


@dataclass
class PersonPage:
    person: Person
    roles: list[RoleAssignment]  # every term, current and past, newest first
    memberships: list[Membership]
    invitations: list[Invitation]
    history: list[AuditEvent]


def person_page(person: Person) -> PersonPage:
    roles = list(person.roles.select_related("organization").order_by("-start", "role"))
    memberships = list(person.memberships.select_related("organization"))
    events = list(audit_history(person)[:50])
    for row in roles:
        events += list(audit_history(row)[:20])
    for row in memberships:
        events += list(audit_history(row)[:20])
    events.sort(key=lambda e: (e.created_at, e.pk), reverse=True)
    return PersonPage(
        person=person,
        roles=roles,
        memberships=memberships,
        invitations=list(person.invitations.order_by("-created_at")),
        history=events[:100],
    )


def organization_people(organization: Organization) -> list[Person]:
    """People currently affiliated with the organisation or acting for it, with their roles."""
    today = timezone.localdate()
    affiliated = Membership.objects.current(today).filter(organization=organization)
    acting = RoleAssignment.objects.current(today).filter(organization=organization)
    return list(
        people_with_terms(today)
        .filter(Q(pk__in=affiliated.values("person_id")) | Q(pk__in=acting.values("person_id")))
        .order_by("full_name")
    )


def submitter_contacts(organization_ids: set[int] | list[int]) -> QuerySet[Person]:
    """The current submitter contacts of these organisations."""
    holders = (
        RoleAssignment.objects.current()
        .filter(role=Role.SUBMITTER, organization_id__in=list(organization_ids))
        .values("person_id")
    )
    return Person.objects.filter(pk__in=holders).select_related("user")


def round_review_chairs(round_name: str) -> QuerySet[Person]:
    holders = (
        RoleAssignment.objects.current()
        .filter(role=Role.REVIEW_CHAIR, round_name=round_name)
        .values("person_id")
    )
    return Person.objects.filter(pk__in=holders).select_related("user")


def outbox_list(*, status: str = "", limit: int = 200) -> list[Notification]:
    rows = Notification.objects.select_related("person").order_by("-created_at", "-id")
    if status:
        rows = rows.filter(status=status)
    return list(rows[:limit])


def api_token_active(raw: str) -> ApiToken | None:
    """The unrevoked token of an active account that ``raw`` is, with its user, or None."""
    return (
        ApiToken.objects.select_related("user")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
