"""Shared fixtures: one user per role, and the roles' organisations."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import OrganizationFactory, person_with_role
from wg.models import Role


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Alpha Systems", slug="alpha")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Beta Compute", slug="beta")


@pytest.fixture
def chair(db):
    return person_with_role(
        Role.CHAIR, OrganizationFactory(name="Chair Org", slug="chair-org"), username="chair"
    ).user


@pytest.fixture
def member(org_a):
    return person_with_role(Role.MEMBER, org_a, username="member").user


@pytest.fixture
def observer(db):
    return person_with_role(Role.OBSERVER, username="observer").user


@pytest.fixture
def submitter_a(org_a):
    """A submitter contact of organisation A."""
    return person_with_role(Role.SUBMITTER, org_a, username="submitter-a").user


@pytest.fixture
def submitter_b(org_b):
    """A submitter contact of another organisation, B."""
    return person_with_role(Role.SUBMITTER, org_b, username="submitter-b").user


@pytest.fixture
def outsider(db):
    """Logged in, but with no role and no organisation."""
    return person_with_role(None, username="outsider").user


@pytest.fixture
def anonymous():
    return AnonymousUser()
