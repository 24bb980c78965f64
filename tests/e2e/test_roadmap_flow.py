"""The roadmap in a real browser, with a real worker doing what beat schedules: a chair plans a
round, a member files a proposal, the chair schedules it and opens a vote, the member votes,
the organisation that has not voted is reminded by email through the outbox (the worker's
console backend prints it), the vote runs to its closing time, the decision is recorded with
its tally and mailed to the electorate, and /roadmap/ shows the round's suite and milestones."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_string
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

from config.celery import app
from core.timezones import to_wg_time
from roadmap.models import Decision, Proposal, Vote, VoteReminder
from tests.e2e.conftest import login
from tests.factories import OrganizationFactory, person_with_role
from tests.workers import celery_worker, wait_for
from wg.models import Notification, NotificationStatus, Role

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


SEPARATOR = "-" * 79


def _mails(worker, to: str) -> list[tuple[str, str]]:
    """(subject, body) of the messages the worker's console backend printed to ``to``."""
    found = []
    for chunk in "".join(worker.log).split(SEPARATOR):
        # The worker logs what the backend prints: the message starts after a log prefix.
        start = re.search(r"Content-Type: ", chunk)
        if start and re.search(rf"^To: {re.escape(to)}\s*$", chunk, re.M):
            message = message_from_string(chunk[start.start() :])
            subject = " ".join(str(make_header(decode_header(message["Subject"]))).split())
            body = message.get_payload(decode=True).decode()
            found.append((subject, body))
    return found


def _sent(event_part: str) -> list[Notification]:
    close_old_connections()
    return list(
        Notification.objects.filter(event_key__contains=event_part, status=NotificationStatus.SENT)
    )


def test_a_proposal_from_filing_to_a_decided_vote(page, live_server, people, settings):
    url = live_server.url
    settings.SITE_URL = url  # links in mail rendered by the web process
    mail_env = {
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "SITE_URL": url,
    }
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

    with celery_worker(["control"], extra_env=mail_env) as worker:
        # Time passes: half an hour before closing, beat asks for the reminders (twice).
        Vote.objects.filter(pk=vote.pk).update(
            opens_at=timezone.now() - timedelta(days=2),
            closes_at=timezone.now() + timedelta(minutes=30),
        )
        for _ in range(2):
            app.send_task("roadmap.remind_voters", queue="control")
        wait_for(lambda: _sent(":reminder:"), timeout=60, message="a reminder sent")
        reminders = wait_for(
            lambda: [m for m in _mails(worker, "bo@beta.example") if "closes" in m[0]],
            timeout=30,
            message="the reminder email",
            logs=[worker],
        )
        subject, body = reminders[0]
        assert subject == f"Vote closes in an hour: Beta Compute has not voted on {vote.question}"
        assert f"{url}{vote.get_absolute_url()}" in body and "Beta Compute" in body
        assert "/notifications/unsubscribe/" in body
        # The page shows who was reminded; Alpha voted, so only Beta and the chairs' org.
        login(page, live_server, "the-chair")
        page.goto(f"{url}{vote.get_absolute_url()}")
        on_page = page.text_content("[data-testid=reminders]")
        assert "Beta Compute (an hour before closing)" in on_page
        assert "Alpha Systems" not in on_page  # it voted
        assert VoteReminder.objects.filter(organization__slug="beta").count() == 1

        # The vote runs to its closing time; beat's next run counts it.
        Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() + timedelta(seconds=2))
        wait_for(lambda: timezone.now() > Vote.objects.get(pk=vote.pk).closes_at, timeout=10)
        app.send_task("roadmap.close_due", queue="control")
        decision = wait_for(lambda: Decision.objects.first(), message="the decision", timeout=60)
        result = wait_for(
            lambda: [m for m in _mails(worker, "ada@alpha.example") if "Vote closed" in m[0]],
            timeout=60,
            message="the result email",
            logs=[worker],
        )
        assert decision.reference in result[0][1]
        # Two beat runs, one reminder: Beta heard once, and nobody else was told twice.
        assert len([m for m in _mails(worker, "bo@beta.example") if "closes" in m[0]]) == 1
        assert len(_sent(":reminder:")) == 2  # bo (Beta) and the-chair (Chair Org)
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
