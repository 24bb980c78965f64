"""Who votes: the electorate from roles, with affiliates collapsed into their top parent.

- ``members``: the organisations of the people who hold a working-group member or chair role;
- ``round_submitters``: the organisations with a submitter contact for the round (a submitter
  role scoped to the round, or to no round in particular).

A person casts the ballot of the organisation they act for in that electorate; its top parent
holds the vote.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from core.errors import DomainError
from roadmap.models import ElectorateKind, Round, Vote, VoteStatus
from roadmap.permissions import person_of
from wg.models import Membership, Organization, Person, Role, RoleAssignment

VOTING_ROLES = (Role.MEMBER, Role.CHAIR)


def _submitter_roles(round_: Round | None, on: date | None) -> Any:
    roles = RoleAssignment.objects.current(on).filter(
        role=Role.SUBMITTER, organization__isnull=False
    )
    if round_ is not None:
        roles = roles.filter(Q(round_name="") | Q(round_name=round_.name))
    return roles


def electorate_for(
    *, kind: str, round: Round | None = None, on: date | None = None
) -> list[Organization]:
    """The voting organisations (top parents), sorted by slug."""
    if kind == ElectorateKind.MEMBERS:
        voters = RoleAssignment.objects.current(on).filter(role__in=VOTING_ROLES)
        org_ids = (
            Membership.objects.current(on)
            .filter(person__in=voters.values("person"))
            .values_list("organization_id", flat=True)
        )
    elif kind == ElectorateKind.ROUND_SUBMITTERS:
        if round is None:
            raise DomainError("A vote of the submitting organisations needs its round.")
        org_ids = _submitter_roles(round, on).values_list("organization_id", flat=True)
    else:
        raise DomainError(f"Unknown electorate {kind!r}.")
    orgs = Organization.objects.filter(pk__in=set(org_ids)).select_related("parent")
    return sorted({o.voting_organization for o in orgs}, key=lambda o: o.slug)


def _acting_rows(vote: Vote, on: date | None, person: Person | None = None) -> Any:
    """(person id, organisation id) for everyone who may act for an organisation in ``vote``:
    the one definition behind both a person's ballot and the people a reminder goes to."""
    if vote.electorate == ElectorateKind.MEMBERS:
        voters = RoleAssignment.objects.current(on).filter(role__in=VOTING_ROLES)
        rows = Membership.objects.current(on).filter(person__in=voters.values("person"))
    else:
        rows = _submitter_roles(vote.round, on)
    if person is not None:
        rows = rows.filter(person=person)
    return rows.values_list("person_id", "organization_id")


def acting_organizations(
    *, person: Person, vote: Vote, on: date | None = None
) -> list[Organization]:
    """The organisations ``person`` may vote for in ``vote`` (an affiliate stands for its top
    parent), restricted to the vote's electorate."""
    org_ids = {org_id for _, org_id in _acting_rows(vote, on, person)}
    orgs = Organization.objects.filter(pk__in=org_ids)
    electors = set(vote.elector_rows.values_list("organization_id", flat=True))
    return [o for o in orgs.select_related("parent") if o.voting_organization.pk in electors]


def ballot_holders(*, vote: Vote, on: date | None = None) -> dict[int, list[Person]]:
    """The people who can cast each voting organisation's ballot in ``vote``, by the voting
    organisation's id (every organisation of the electorate is a key, sorted by slug; the
    people are sorted by name). The people of an affiliate are counted with its top parent,
    as their ballots are."""
    rows = list(_acting_rows(vote, on))
    orgs = Organization.objects.filter(pk__in={o for _, o in rows}).select_related("parent")
    top = {o.pk: o.voting_organization.pk for o in orgs}
    electors = list(
        vote.elector_rows.select_related("organization")
        .order_by("organization__slug")
        .values_list("organization_id", flat=True)
    )
    people = Person.objects.select_related("user").in_bulk({p for p, _ in rows})
    holders: dict[int, list[Person]] = {org_id: [] for org_id in electors}
    for person_id, org_id in sorted(set(rows)):
        family = holders.get(top[org_id])
        if family is not None and people[person_id] not in family:
            family.append(people[person_id])
    for family in holders.values():
        family.sort(key=lambda p: (p.full_name, p.pk))
    return holders


def ballot_organization(
    *, person: Person | None, vote: Vote, organization: Organization | None = None
) -> Organization:
    """The organisation a ballot of ``person`` is cast for, or a refusal that says why."""
    if person is None:
        raise DomainError("Your account is not linked to a person of the working group.")
    candidates = acting_organizations(person=person, vote=vote)
    if organization is not None:
        chosen = [o for o in candidates if o.pk == organization.pk]
        if not chosen:
            raise DomainError(f"You cannot vote for {organization.name} in this vote.")
        return chosen[0]
    if not candidates:
        raise DomainError(
            "You have no voting organisation in this vote: "
            + (
                "it is a vote of the working-group member organisations."
                if vote.electorate == ElectorateKind.MEMBERS
                else "it is a vote of the round's submitting organisations."
            )
        )
    voting = {o.voting_organization.pk for o in candidates}
    if len(voting) > 1:
        names = ", ".join(sorted(o.voting_organization.name for o in candidates))
        raise DomainError(f"You act for several voting organisations ({names}); say which.")
    return candidates[0]


def can_vote(user: Any, vote: Vote) -> bool:
    """Whether ``user`` may cast a ballot in ``vote`` now (it is open and they have a vote)."""
    person = person_of(user)
    if person is None or vote.status != VoteStatus.OPEN:
        return False
    return bool(acting_organizations(person=person, vote=vote))
