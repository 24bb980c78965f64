"""Writes to the working group's organisations, people, memberships and roles."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record, upsert_with_audit
from core.errors import DomainError
from wg.models import ApiToken, Membership, Organization, Person, Role, RoleAssignment, WorkingGroup


def working_group_save(*, actor: Any, slug: str, **values: Any) -> WorkingGroup:
    with transaction.atomic():
        wg, _ = upsert_with_audit(WorkingGroup, actor=actor, lookup={"slug": slug}, values=values)
    return wg  # type: ignore[return-value]


def organization_save(
    *, actor: Any, slug: str, name: str, parent: Organization | None = None, website: str = ""
) -> Organization:
    """Create or update an organisation. Refuses a parent chain that loops back to itself."""
    with transaction.atomic():
        probe = parent
        while probe is not None:
            if probe.slug == slug:
                raise DomainError(f"{name}: an organisation cannot be its own (indirect) parent")
            probe = probe.parent
        org, _ = upsert_with_audit(
            Organization,
            actor=actor,
            lookup={"slug": slug},
            values={"name": name, "parent": parent, "website": website},
        )
    return org  # type: ignore[return-value]


def person_save(*, actor: Any, slug: str, **values: Any) -> Person:
    with transaction.atomic():
        person, _ = upsert_with_audit(Person, actor=actor, lookup={"slug": slug}, values=values)
    return person  # type: ignore[return-value]


def membership_ensure(
    *, actor: Any, person: Person, organization: Organization, start: date, end: date | None = None
) -> Membership:
    """Record that ``person`` is affiliated with ``organization`` from ``start``.

    An affiliation that is still open is kept as it is, so loading the same data on another
    day does not start a second one.
    """
    with transaction.atomic():
        existing = (
            Membership.objects.select_for_update()
            .filter(person=person, organization=organization)
            .filter(Q(end__isnull=True) | Q(end__gte=start))
            .first()
        )
        if existing is not None:
            return existing
        membership, _ = upsert_with_audit(
            Membership,
            actor=actor,
            lookup={"person": person, "organization": organization, "start": start},
            values={"end": end},
        )
    return membership  # type: ignore[return-value]


def role_assign(
    *,
    actor: Any,
    person: Person,
    role: Role | str,
    start: date,
    organization: Organization | None = None,
    round_name: str = "",
    end: date | None = None,
    note: str = "",
) -> RoleAssignment:
    """Give ``person`` a role for a term. The same role and scope twice is one row."""
    with transaction.atomic():
        existing = (
            RoleAssignment.objects.select_for_update()
            .filter(person=person, role=role, organization=organization, round_name=round_name)
            .filter(Q(end__isnull=True) | Q(end__gte=start))
            .order_by("-start")
            .first()
        )
        lookup = (
            {"pk": existing.pk}
            if existing
            else {
                "person": person,
                "role": role,
                "organization": organization,
                "round_name": round_name,
            }
        )
        values: dict[str, Any] = {"end": end, "note": note}
        if existing is None:
            values["start"] = start
        assignment, _ = upsert_with_audit(RoleAssignment, actor=actor, lookup=lookup, values=values)
    return assignment  # type: ignore[return-value]


def role_end(
    *, actor: Any, assignment: RoleAssignment, end: date, reason: str = ""
) -> RoleAssignment:
    if end < assignment.start:
        raise DomainError("A role cannot end before it started.")
    with transaction.atomic():
        row, _ = upsert_with_audit(
            RoleAssignment,
            actor=actor,
            lookup={"pk": assignment.pk},
            values={"end": end},
            reason=reason,
        )
    return row  # type: ignore[return-value]


def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    raw = "mlwg_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[5:13], token_hash=ApiToken.hash(raw)
        )
        audit_record(
            actor=actor, action="apitoken.create", obj=token, after={"name": name, "user": user.pk}
        )
    return token, raw


def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit_record(actor=actor, action="apitoken.revoke", obj=token)
