"""factory_boy factories shared by every test folder."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from meetings.models import MeetingSeries, Resource
from wg.models import (
    Membership,
    Organization,
    Person,
    Role,
    RoleAssignment,
    Visibility,
    WorkingGroup,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup
        django_get_or_create = ("slug",)

    slug = "training"
    name = "MLPerf Training Working Group"
    short_name = "Training WG"
    mission = "Define, develop and conduct the MLPerf Training benchmarks."
    deliverables = ["Roadmap", "Rules", "Reference implementations", "Results"]


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    slug = factory.Sequence(lambda n: f"person-{n}")
    full_name = factory.Sequence(lambda n: f"Person {n}")


def person_with_role(
    role: Role | None,
    organization: Organization | None = None,
    *,
    username: str | None = None,
    round_name: str = "",
) -> Person:
    """A person with a login, an affiliation (if ``organization``) and a current role."""
    person = PersonFactory(user__username=username) if username else PersonFactory()
    start = date(2020, 1, 1)
    if organization is not None:
        Membership.objects.create(person=person, organization=organization, start=start)
    if role is not None:
        RoleAssignment.objects.create(
            person=person,
            role=role,
            start=start,
            round_name=round_name,
            organization=organization if role == Role.SUBMITTER else None,
        )
    return person


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    working_group = factory.SubFactory(WorkingGroupFactory)
    slug = "weekly"
    name = "Training WG weekly meeting"
    rrule = "FREQ=WEEKLY;BYDAY=TH"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    working_group = factory.SubFactory(WorkingGroupFactory)
    slug = factory.Sequence(lambda n: f"resource-{n}")
    title = factory.Sequence(lambda n: f"Resource {n}")
    url = "https://example.org/r"
    visibility = Visibility.PUBLIC
