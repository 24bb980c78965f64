"""Each role against each visibility tier, and the list filter agreeing with the detail check."""

import pytest

from meetings.models import Resource
from tests.factories import ResourceFactory
from wg.models import Visibility
from wg.permissions import can_view_resource, is_chair, is_member, resource_visibility_q

ROLES = ["anonymous", "outsider", "observer", "member", "submitter_a", "submitter_b", "chair"]

EXPECTED = {
    # role:          public, members, org_private (org A), embargoed (unpublished round)
    "anonymous": (True, False, False, False),
    "outsider": (True, False, False, False),
    "observer": (True, False, False, False),
    "member": (True, True, True, False),
    "submitter_a": (True, True, True, False),
    "submitter_b": (True, True, False, False),
    "chair": (True, True, True, True),
}


@pytest.fixture
def resources(db, org_a):
    from roadmap.models import Round

    round_ = Round.objects.create(name="v9.9", ruleset="5.1.0")
    return [
        ResourceFactory(visibility=Visibility.PUBLIC),
        ResourceFactory(visibility=Visibility.MEMBERS),
        ResourceFactory(visibility=Visibility.ORG_PRIVATE, organization=org_a),
        ResourceFactory(visibility=Visibility.ROUND_EMBARGOED, round=round_),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_tiers(request, role, resources):
    user = request.getfixturevalue(role)
    seen = tuple(can_view_resource(user, r) for r in resources)
    assert seen == EXPECTED[role]
    listed = set(Resource.objects.filter(resource_visibility_q(user)).values_list("pk", flat=True))
    assert listed == {r.pk for r, ok in zip(resources, seen, strict=True) if ok}


def test_embargoed_resource_opens_when_its_round_is_published(resources, anonymous):
    from django.utils import timezone

    from roadmap.services.rounds import round_publish

    embargoed = resources[3]
    round_publish(actor=None, round=embargoed.round, at=timezone.now())
    embargoed.refresh_from_db()
    assert can_view_resource(anonymous, embargoed)
    assert Resource.objects.filter(resource_visibility_q(anonymous), pk=embargoed.pk).exists()


def test_role_functions_per_role(chair, member, observer, anonymous):
    assert is_chair(chair) and is_member(chair)
    assert is_member(member) and not is_chair(member)
    assert not is_member(observer)
    assert not is_member(anonymous)


def test_an_ended_role_gives_no_power(member):
    from datetime import date

    from wg.models import RoleAssignment
    from wg.permissions import forget_powers

    RoleAssignment.objects.filter(person__user=member).update(end=date(2021, 1, 1))
    forget_powers(member)
    assert not is_member(member)


@pytest.mark.parametrize("role", ROLES)
def test_resource_files_are_served_only_to_those_who_see_the_resource(
    client, request, role, resources, settings, tmp_path
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    for resource in resources:
        resource.file.save(f"{resource.slug}.txt", ContentFile(b"minutes"), save=True)
    user = request.getfixturevalue(role)
    if role != "anonymous":
        client.force_login(user)
    statuses = tuple(client.get(f"/resources/{r.slug}/file").status_code for r in resources)
    assert statuses == tuple(200 if ok else 404 for ok in EXPECTED[role])


def test_an_affiliated_person_without_a_role_does_not_see_org_private_material(org_a, resources):
    from tests.factories import person_with_role

    affiliated = person_with_role(None, org_a, username="affiliated-only").user
    assert not can_view_resource(affiliated, resources[2])
