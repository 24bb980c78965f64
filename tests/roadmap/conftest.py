"""Fixtures for the roadmap: a round being planned, proposals in each state, voters of
several organisations (one voting through an affiliate)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from roadmap.models import Proposal, ProposalKind, Round
from roadmap.services import proposals as proposal_services
from roadmap.services.rounds import milestones_generate, round_create
from tests.factories import OrganizationFactory, person_with_role
from wg.models import Role


@pytest.fixture
def catalogue(db):
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def planned_round(db) -> Round:
    """Round v9.0 on ruleset 6.1.0, submitting 30 weeks from today, with its milestones: its
    roadmap is open. (No benchmarks: see ``catalogued_round``.)"""
    round_ = Round.objects.create(
        name="v9.0", ruleset="6.1.0", submission_date=timezone.localdate() + timedelta(weeks=30)
    )
    milestones_generate(actor=None, round=round_)
    return round_


@pytest.fixture
def catalogued_round(catalogue, chair) -> Round:
    """The same round created by a chair, with the benchmarks of its ruleset."""
    return round_create(
        actor=chair,
        name="v9.0",
        ruleset="6.1.0",
        submission_date=timezone.localdate() + timedelta(weeks=30),
    )


@pytest.fixture
def member_b(org_b):
    return person_with_role(Role.MEMBER, org_b, username="member-b").user


@pytest.fixture
def gamma(db):
    return OrganizationFactory(name="Gamma Group", slug="gamma")


@pytest.fixture
def gamma_labs(gamma):
    return OrganizationFactory(name="Gamma Labs", slug="gamma-labs", parent=gamma)


@pytest.fixture
def member_gamma_labs(gamma_labs):
    """A member who works for an affiliate: Gamma Labs votes as Gamma Group."""
    return person_with_role(Role.MEMBER, gamma_labs, username="member-gamma-labs").user


@pytest.fixture
def member_gamma(gamma):
    return person_with_role(Role.MEMBER, gamma, username="member-gamma").user


@pytest.fixture
def draft(member, planned_round) -> Proposal:
    return proposal_services.proposal_create(
        actor=member,
        title="Add a small diffusion benchmark",
        kind=ProposalKind.ADD_BENCHMARK,
        body="We propose **a small text-to-image benchmark** for v9.0.",
        target_round=planned_round,
        links=["https://github.com/mlcommons/training_policies/pull/581"],
    )


def advance(proposal: Proposal, actor, *states: str, **kwargs) -> Proposal:
    """Move a proposal through ``states`` with the direct transition service."""
    for state in states:
        extra = {}
        if state == "scheduled":
            extra["scheduled_for"] = timezone.localdate() + timedelta(days=2)
        if state == "call_for_objections":
            extra["objections_close_at"] = timezone.now() + timedelta(days=7)
        extra.update(kwargs)
        proposal = proposal_services.proposal_transition(
            actor=actor, proposal=proposal, to=state, **extra
        )
    return proposal


@pytest.fixture
def in_discussion(draft, member, chair) -> Proposal:
    advance(draft, member, "submitted")
    return advance(draft, chair, "scheduled", "in_discussion")


@pytest.fixture
def eager():
    """Run queued tasks (the outbox's sending) in this process when their transaction
    commits, through the test settings' email backend (``mail.outbox``)."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port (see tests/wg/smtp.py), for worker processes
    that send through Django's SMTP backend: yields the recorder and the port."""
    from tests.wg.smtp import smtp_server

    with smtp_server() as (recorder, port):
        yield recorder, port


@pytest.fixture
def addresses(chair, member, member_b, member_gamma_labs):
    """Everyone of the usual electorate with an address: '<username>@<org>.example'."""
    for user in (chair, member, member_b, member_gamma_labs):
        give_address(user)


def give_address(user) -> str:
    membership = user.person.memberships.select_related("organization").first()
    address = f"{user.username}@{membership.organization.slug if membership else 'wg'}.example"
    user.person.emails = [address]
    user.person.save()
    return address
