"""The roadmap in a real browser, with a real worker doing what beat schedules: a chair plans a
round, a member files a proposal, the chair schedules it and opens a vote, the member votes,
the organisation that has not voted is reminded, the vote runs to its closing time, the
decision is recorded with its tally, and /roadmap/ shows the round's suite and milestones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from core.timezones import to_wg_time
from roadmap.models import Decision, Proposal, Vote, VoteReminder
from tests.e2e.conftest import login
from tests.factories import OrganizationFactory, person_with_role
from tests.workers import celery_worker, wait_for
from wg.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    alpha = OrganizationFactory(name="Alpha Systems", slug="alpha")
    beta = OrganizationFactory(name="Beta Compute", slug="beta")
    for role, org, username in (
        (Role.MEMBER, alpha, "ada"),
        (Role.MEMBER, beta, "bo"),
        (Role.CHAIR, OrganizationFactory(name="Chair Org", slug="chair-org"), "the-chair"),
    ):
        person = person_with_role(role, org, username=username)
        person.emails = [f"{username}@{org.slug}.example"]
        person.save()


def _logout(page):
    page.click("text=Log out")


def test_a_proposal_from_filing_to_a_decided_vote(page, live_server, people):
    url = live_server.url
    submission_day = timezone.localdate() + timedelta(weeks=30)

    # A chair plans the round: its suite and its milestones come with it.
    login(page, live_server, "the-chair")
    page.goto(f"{url}/roadmap/rounds/new/")
    page.fill("#id_name", "v9.0")
    page.select_option("#id_ruleset", "6.1.0")
    page.fill("#id_submission_date", submission_day.isoformat())
    page.click("text=Create the round")
    page.wait_for_selector("[data-testid=schedule]")
    assert "T-28 weeks" in page.text_content("[data-testid=schedule]")
    _logout(page)

    # A member files a proposal and submits it.
    login(page, live_server, "ada")
    page.goto(f"{url}/roadmap/proposals/new/")
    page.fill("#id_title", "Add a small text-to-image benchmark")
    page.select_option("#id_kind", "add_benchmark")
    page.select_option("#id_target_round", "v9.0")
    page.fill("#id_body", "A **small** benchmark.\n\n<script>document.title='x'</script>")
    page.fill("#id_links", "https://github.com/mlcommons/training_policies/pull/581")
    page.click("[data-testid=file-and-submit]")
    page.wait_for_selector("[data-testid=needs]")
    assert page.text_content("[data-testid=status]") == "Submitted"
    assert "a chair to schedule it" in page.text_content("[data-testid=needs]")
    assert page.inner_html("[data-testid=body]").count("<strong>small</strong>") == 1
    assert "<script" not in page.inner_html("[data-testid=body]")
    proposal = Proposal.objects.get()
    _logout(page)

    # The chair schedules it, opens the discussion, then a vote closing in two hours.
    login(page, live_server, "the-chair")
    page.goto(f"{url}{proposal.get_absolute_url()}")
    page.fill("#id_scheduled_for", (timezone.localdate() + timedelta(days=2)).isoformat())
    page.click("[data-testid=move-scheduled]")
    page.wait_for_selector("text=is now scheduled")
    assert "discussed at the meeting of" in page.text_content("[data-testid=needs]")
    page.click("[data-testid=move-in_discussion]")
    page.wait_for_selector("[data-testid=vote-form]")
    closes = to_wg_time(timezone.now() + timedelta(hours=2))
    page.select_option("#id_method", "majority")
    page.fill("#id_closes_at", closes.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_electorate", "members")
    page.click("text=Open the vote")
    page.wait_for_selector("[data-testid=electorate]")
    vote = Vote.objects.get()
    assert vote.closes_at == closes.replace(second=0, microsecond=0)
    _logout(page)

    # The member votes for Alpha Systems.
    login(page, live_server, "ada")
    page.goto(f"{url}{vote.get_absolute_url()}")
    page.click("[data-testid=choose-yes]")
    page.wait_for_selector("[data-testid=my-ballot]")
    assert "Alpha Systems: yes" in page.text_content("[data-testid=my-ballot]")
    _logout(page)

    with celery_worker(["control"]):
        # Time passes: half an hour before closing, beat asks for the reminders (twice).
        Vote.objects.filter(pk=vote.pk).update(
            opens_at=timezone.now() - timedelta(days=2),
            closes_at=timezone.now() + timedelta(minutes=30),
        )
        for _ in range(2):
            app.send_task("roadmap.remind_voters", queue="control")
        wait_for(lambda: VoteReminder.objects.exists(), message="a reminder")
        login(page, live_server, "the-chair")
        page.goto(f"{url}{vote.get_absolute_url()}")
        reminders = page.text_content("[data-testid=reminders]")
        assert "Beta Compute (an hour before closing)" in reminders
        assert "Alpha Systems" not in reminders  # it voted
        assert VoteReminder.objects.filter(organization__slug="beta").count() == 1

        # The vote runs to its closing time; beat's next run counts it.
        Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() + timedelta(seconds=2))
        wait_for(lambda: timezone.now() > Vote.objects.get(pk=vote.pk).closes_at, timeout=10)
        app.send_task("roadmap.close_due", queue="control")
        decision = wait_for(lambda: Decision.objects.first(), message="the decision", timeout=60)
        assert VoteReminder.objects.filter(organization__slug="beta").count() == 1

    page.goto(f"{url}{vote.get_absolute_url()}")
    assert page.text_content("[data-testid=vote-status]") == "Closed"
    assert "decided: “yes”" in page.text_content("[data-testid=tally]")
    page.click("[data-testid=decision-link]")
    page.wait_for_selector("[data-testid=reference]")
    assert page.text_content("[data-testid=reference]") == decision.reference
    assert page.text_content("[data-testid=outcome]") == "Accepted"
    tally = page.text_content("[data-testid=tally]")
    assert "1 of 3 voting organisations counted" in tally and "yes: 1" in tally
    assert Proposal.objects.get().status == "accepted"
    _logout(page)

    # Anyone sees the roadmap: the round's phase, suite and milestones.
    page.goto(f"{url}/roadmap/")
    card = page.locator("[data-testid=active-round][data-round='v9.0']")
    assert card.locator("[data-testid=phase]").text_content() == "Planning the roadmap"
    suite = card.locator("[data-testid=suite]").text_content()
    assert "llama31_8b" in suite and "dlrmv4" in suite
    assert "Carrying capacity decision" in page.text_content("[data-testid=upcoming-milestones]")
    page.goto(f"{url}/roadmap/decisions/")
    assert decision.reference in page.text_content("[data-testid=decisions]")
