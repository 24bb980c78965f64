"""Granting and ending roles from the pages and the API: the rules around ``role_assign``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError, PermissionDenied
from wg.models import Organization, Person, Role, RoleAssignment
from wg.notifications import Recipient, notification_enqueue, recipients_for_people
from wg.notifications.kinds import ROLES
from wg.permissions import can_grant_role, can_manage_working_group, forget_powers
from wg.services.people import role_assign, role_end


def role_check(
    *,
    role: str,
    organization: Organization | None,
    round_name: str,
    end: date | None,
    start: date | None = None,
) -> None:
    """The shape of a grant: a known role, its scope, and a term that is not over."""
    if role not in Role.values:
        raise DomainError(f"Unknown role '{role}'.")
    if role == Role.SUBMITTER and organization is None:
        raise DomainError("A submitter contact acts for an organisation: choose one.")
    if role == Role.REVIEW_CHAIR and not round_name.strip():
        raise DomainError("A review chair serves one round: name it (e.g. v6.1).")
    today = timezone.localdate()
    if end is not None and end < today:
        raise DomainError(
            f"The term ended on {end:%Y-%m-%d}: a role past its term cannot be granted."
        )
    if end is not None and start is not None and end < start:
        raise DomainError("A role cannot end before it starts.")


def role_grant(
    *,
    actor: Any,
    person: Person,
    role: str,
    organization: Organization | None = None,
    round_name: str = "",
    start: date | None = None,
    end: date | None = None,
    note: str = "",
) -> RoleAssignment:
    """Give a person a role for a term (chairs and staff; never to themselves) and tell them."""
    if not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff grant roles.")
    if not can_grant_role(actor, person):
        raise PermissionDenied("Nobody grants a role to themselves: ask another chair or staff.")
    start = start or timezone.localdate()
    role_check(role=role, organization=organization, round_name=round_name, end=end, start=start)
    with transaction.atomic():
        assignment = role_assign(
            actor=actor,
            person=person,
            role=role,
            start=start,
            organization=organization if role == Role.SUBMITTER else None,
            round_name=round_name.strip() if role == Role.REVIEW_CHAIR else "",
            end=end,
            note=note,
        )
        _tell(person, f"wg.roles:grant:{assignment.pk}:{assignment.end}", _granted(assignment))
    if person.user is not None:
        forget_powers(person.user)
    return assignment


def role_revoke(
    *, actor: Any, assignment: RoleAssignment, end: date | None = None, reason: str = ""
) -> RoleAssignment:
    """End a role on ``end`` (today by default). A person may step down from their own role."""
    person = assignment.person
    if not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff end roles.")
    end = end or timezone.localdate()
    if assignment.end is not None and assignment.end <= end:
        raise DomainError(f"This role already ends on {assignment.end:%Y-%m-%d}.")
    with transaction.atomic():
        row = role_end(actor=actor, assignment=assignment, end=end, reason=reason)
        text = f"Your role {row.get_role_display()}{_scope(row)} ends on {end:%Y-%m-%d}."
        _tell(
            person, f"wg.roles:end:{row.pk}:{end}", text + (f"\nReason: {reason}" if reason else "")
        )
    return row


def _granted(a: RoleAssignment) -> str:
    term = f" until {a.end:%Y-%m-%d}" if a.end else ""
    return f"You are now {a.get_role_display()}{_scope(a)} from {a.start:%Y-%m-%d}{term}."


def _scope(a: RoleAssignment) -> str:
    if a.organization_id:
        return f" for {a.organization}"
    return f" of round {a.round_name}" if a.round_name else ""


def _tell(person: Person, event_key: str, text: str) -> list[Any]:
    recipients: list[Recipient] = recipients_for_people([person])
    return notification_enqueue(
        kind=ROLES.code,
        event_key=event_key,
        recipients=recipients,
        subject=text.splitlines()[0],
        template="wg/email/role.txt",
        context={"text": text},
        url=reverse("wg:account"),
    )
