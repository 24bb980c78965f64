"""Reads of organisations, people and roles."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from wg.models import Person, Role, RoleAssignment


def people_with_role(*, role: Role | str, on: date | None = None) -> QuerySet[Person]:
    holders = RoleAssignment.objects.current(on).filter(role=role).values("person_id")
    return Person.objects.filter(pk__in=holders).order_by("full_name")
