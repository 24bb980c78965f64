"""Organisations from the pages and the API, and their part in rounds: registrations of
intent to submit and joint submissions. Rounds are passed in by the callers above this layer."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from core.audit import audit_record
from core.errors import DomainError, PermissionDenied
from wg.models import JointSubmission, Organization, RoundRegistration
from wg.permissions import (
    can_manage_working_group,
    can_record_joint_submission,
    can_register_for_round,
)
from wg.services.people import organization_save


def organization_create(
    *, actor: Any, name: str, slug: str = "", parent: Organization | None = None, website: str = ""
) -> Organization:
    if not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff add organisations.")
    name = " ".join(name.split())
    slug = slug.strip() or slugify(name)
    if not name or not slug:
        raise DomainError("Give the organisation's name.")
    if Organization.objects.filter(name__iexact=name).exists():
        raise DomainError(f"There is an organisation named {name} already.")
    if Organization.objects.filter(slug=slug).exists():
        raise DomainError(f"The short name '{slug}' is taken; choose another.")
    return organization_save(actor=actor, slug=slug, name=name, parent=parent, website=website)


def organization_update(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    parent: Organization | None,
    website: str = "",
) -> Organization:
    """Rename an organisation or set its parent (an affiliate votes with its parent)."""
    if not can_manage_working_group(actor):
        raise PermissionDenied("Only the chairs and staff change organisations.")
    name = " ".join(name.split())
    if not name:
        raise DomainError("Give the organisation's name.")
    if Organization.objects.filter(name__iexact=name).exclude(pk=organization.pk).exists():
        raise DomainError(f"There is an organisation named {name} already.")
    if parent is not None and parent.pk == organization.pk:
        raise DomainError(f"{name}: an organisation cannot be its own parent.")
    return organization_save(
        actor=actor, slug=organization.slug, name=name, parent=parent, website=website
    )


def round_registration_create(
    *, actor: Any, round: Any, organization: Organization
) -> RoundRegistration:
    """Register an organisation's intent to submit to a round (a chair, or its submitter)."""
    if not can_register_for_round(actor, organization.pk):
        raise PermissionDenied(
            f"Only the chairs and {organization.name}'s submitters register it for a round."
        )
    if round.published_at is not None:
        raise DomainError(f"{round.name} is published; it takes no more registrations.")
    with transaction.atomic():
        registration, created = RoundRegistration.objects.get_or_create(
            round=round, organization=organization, defaults={"registered_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="round_registration.create",
                obj=registration,
                after={"round": round.name, "organization": organization.slug},
            )
    return registration


def round_registration_delete(*, actor: Any, round: Any, organization: Organization) -> None:
    if not can_register_for_round(actor, organization.pk):
        raise PermissionDenied(f"Only the chairs and {organization.name}'s submitters do this.")
    with transaction.atomic():
        registration = RoundRegistration.objects.filter(
            round=round, organization=organization
        ).first()
        if registration is None:
            return
        audit_record(
            actor=actor,
            action="round_registration.delete",
            obj=registration,
            before={"round": round.name, "organization": organization.slug},
        )
        registration.delete()


def joint_submission_record(
    *, actor: Any, round: Any, organizations: tuple[Organization, Organization], note: str = ""
) -> JointSubmission:
    """Record that two organisations submit together to a round (chairs)."""
    if not can_record_joint_submission(actor):
        raise PermissionDenied("Only the chairs record joint submissions.")
    first, second = sorted(organizations, key=lambda o: o.pk)
    if first.pk == second.pk:
        raise DomainError("A joint submission is between two different organisations.")
    with transaction.atomic():
        joint, created = JointSubmission.objects.get_or_create(
            round=round,
            first=first,
            second=second,
            defaults={"note": note.strip()[:300], "recorded_by": actor},
        )
        if created:
            audit_record(
                actor=actor,
                action="joint_submission.record",
                obj=joint,
                after={"round": round.name, "organizations": [first.slug, second.slug]},
            )
    return joint
