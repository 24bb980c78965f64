"""Shared fixtures: one user per role, the roles' organisations, and the test run's broker."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from core.embedded_broker import EmbeddedBroker, stop_process
from tests.factories import OrganizationFactory, person_with_role
from wg.models import Role


@pytest.fixture(scope="session", autouse=True)
def embedded_broker() -> Iterator[EmbeddedBroker | None]:
    """On the embedded default, this run's own Redis server (config/settings_test.py gives
    each run its own folder); worker processes started by the tests are handed its URL."""
    if settings.EMBEDDED_BROKER_DIR is None:
        yield None  # an external Redis (CELERY_BROKER_URL)
        return
    broker = EmbeddedBroker(settings.EMBEDDED_BROKER_DIR)
    with broker.ownership(wait=10), open(broker.directory / "server.log", "ab") as log:
        server = broker.start(output=log)
        try:
            yield broker
        finally:
            stop_process(server)
    shutil.rmtree(broker.directory, ignore_errors=True)


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
