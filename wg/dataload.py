"""The working group's own data (``data/working_group.yaml``): schema and loader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field

from core.datafile import DataError, Strict, parse_entries, parse_entry
from wg import services
from wg.models import Organization, Person, Role, WorkingGroup


class WorkingGroupIn(Strict):
    slug: str
    name: str
    short_name: str
    mission: str
    deliverables: list[str] = Field(min_length=1)
    description: str = ""


class OrganizationIn(Strict):
    slug: str
    name: str
    parent: str | None = None
    website: str = ""


class PersonIn(Strict):
    slug: str
    full_name: str
    title: str = ""
    emails: list[str] = []
    github_handle: str = ""
    bio: str = ""
    organization: str | None = None
    member_since: date | None = None


class RoleIn(Strict):
    person: str
    role: Role
    organization: str | None = None
    round_name: str = ""
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class WgData:
    working_group: WorkingGroupIn
    organizations: list[OrganizationIn]
    people: list[PersonIn]
    roles: list[RoleIn]


def parse(source: str, doc: dict[str, Any]) -> WgData:
    if "working_group" not in doc:
        raise DataError(f"{source}: section 'working_group' is missing")
    data = WgData(
        working_group=parse_entry(source, "working_group", doc["working_group"], WorkingGroupIn),
        organizations=parse_entries(source, doc, "organizations", OrganizationIn),
        people=parse_entries(source, doc, "people", PersonIn),
        roles=parse_entries(source, doc, "roles", RoleIn),
    )
    _check_references(source, data)
    return data


def _check_references(source: str, data: WgData) -> None:
    orgs = {o.slug for o in data.organizations}
    people = {p.slug for p in data.people}
    for i, org in enumerate(data.organizations):
        if org.parent and org.parent not in orgs:
            raise DataError(
                f"{source}: organizations[{i}] ({org.slug}): field 'parent': unknown organisation '{org.parent}'"
            )
    for i, person in enumerate(data.people):
        if person.organization and person.organization not in orgs:
            raise DataError(
                f"{source}: people[{i}] ({person.slug}): field 'organization': unknown organisation '{person.organization}'"
            )
    for i, role in enumerate(data.roles):
        if role.person not in people:
            raise DataError(f"{source}: roles[{i}]: field 'person': unknown person '{role.person}'")
        if role.organization and role.organization not in orgs:
            raise DataError(
                f"{source}: roles[{i}]: field 'organization': unknown organisation '{role.organization}'"
            )


def apply(data: WgData, *, actor: Any = None, today: date) -> WorkingGroup:
    """Write the parsed data through the services; the caller holds the transaction."""
    wg = services.working_group_save(actor=actor, **data.working_group.model_dump())
    orgs: dict[str, Organization] = {}
    # Parents first, whatever the file order, so a child can point at its parent.
    pending = list(data.organizations)
    while pending:
        ready = [o for o in pending if o.parent is None or o.parent in orgs]
        if not ready:
            raise DataError(
                f"organizations: parent chain loops through {', '.join(o.slug for o in pending)}"
            )
        for org in ready:
            orgs[org.slug] = services.organization_save(
                actor=actor,
                slug=org.slug,
                name=org.name,
                parent=orgs.get(org.parent or ""),
                website=org.website,
            )
            pending.remove(org)
    people: dict[str, Person] = {}
    for p in data.people:
        people[p.slug] = services.person_save(
            actor=actor,
            slug=p.slug,
            full_name=p.full_name,
            title=p.title,
            emails=p.emails,
            github_handle=p.github_handle,
            bio=p.bio.strip(),
        )
        if p.organization:
            services.membership_ensure(
                actor=actor,
                person=people[p.slug],
                organization=orgs[p.organization],
                start=p.member_since or today,
            )
    for r in data.roles:
        services.role_assign(
            actor=actor,
            person=people[r.person],
            role=r.role,
            start=r.start or today,
            end=r.end,
            organization=orgs.get(r.organization or ""),
            round_name=r.round_name,
        )
    return wg
