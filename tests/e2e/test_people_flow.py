"""The issue's "done when", in a real browser with a real worker sending mail through Django's
console backend: a chair invites a submitter for AMD, the submitter accepts, sets a password,
lands on the round, uploads and receives the verdict by email; the chair's dashboard shows AMD
with its verdict; an organisation without a valid version is reminded once, a day before the
deadline, and never twice."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

from core.dispatch import enqueue
from tests.e2e.conftest import login
from tests.factories import OrganizationFactory, person_with_role
from tests.submissions.packages import generated_org, tar_gz
from tests.workers import celery_worker, wait_for
from wg.models import Notification, Role, RoundRegistration

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEPARATOR = "-" * 79
PASSWORD = "amd-rocks-on-mlperf-2026"


@pytest.fixture
def setting(transactional_db, settings, tmp_path, live_server):
    from roadmap.models import Round
    from submissions.models import SubmissionWindow

    settings.SUBMISSIONS_ROOT = tmp_path / "store"
    settings.SITE_URL = live_server.url  # links in mail rendered by the web process
    call_command("load_catalogue", stdout=open("/dev/null", "w"))  # noqa: SIM115
    round_ = Round.objects.get(name="v5.1")
    now = timezone.now()
    SubmissionWindow.objects.create(
        round=round_,
        opens_at=now - timedelta(days=3),
        deadline=now + timedelta(days=3),
        review_ends_at=now + timedelta(days=20),
    )
    OrganizationFactory(name="AMD", slug="amd")
    chair = person_with_role(Role.CHAIR, username="the-chair")
    lenovo = OrganizationFactory(name="Lenovo", slug="lenovo")
    contact = person_with_role(Role.SUBMITTER, lenovo, username="lenovo-submitter")
    contact.emails = ["contact@lenovo.example"]
    contact.save()
    RoundRegistration.objects.create(round=round_, organization=lenovo, registered_by=chair.user)
    return round_


def _mails(worker, to: str) -> list[str]:
    """The messages the worker's console backend printed to ``to``."""
    chunks = "".join(worker.log).split(SEPARATOR)
    return [c for c in chunks if re.search(rf"^To: {re.escape(to)}\s*$", c, re.M)]


def _runs(worker, task: str) -> int:
    return sum(1 for line in worker.log if f"Task {task}[" in line and "succeeded" in line)


def test_invite_accept_upload_verdict_dashboard_and_reminders(
    page, live_server, setting, settings, tmp_path
):
    package = tmp_path / "amd.tar.gz"
    package.write_bytes(tar_gz(generated_org(tmp_path / "src", org="AMD")).getvalue())
    env = {
        "SUBMISSIONS_ROOT": str(settings.SUBMISSIONS_ROOT),
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "SITE_URL": live_server.url,
    }
    with celery_worker(["control", "validate"], concurrency=2, extra_env=env) as worker:
        # The chair invites a submitter for AMD.
        login(page, live_server, "the-chair")
        page.click("[data-testid=nav-members]")
        page.click("[data-testid=invite-link]")
        page.fill("#id_full_name", "Dana Lee")
        page.fill("#id_email", "dana@amd.example")
        page.select_option("#id_organization", "amd")
        page.check("input[name=roles][value=submitter]")
        page.click("[data-testid=invitation-form] button[type=submit]")
        assert "Invitation sent to dana@amd.example" in page.text_content(".messages")

        invitation = wait_for(
            lambda: _mails(worker, "dana@amd.example"), timeout=60, message="the invitation"
        )
        link = re.search(r"(http://\S+/invite/\S+/)", invitation[0]).group(1)
        page.click("text=Log out")

        # The submitter accepts, sets a password and lands on the round.
        page.goto(link)
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        page.click("[data-testid=accept-button]")
        page.wait_for_selector("[data-testid=my-round]")
        round_card = page.text_content("[data-testid=my-round]")
        assert "MLPerf Training v5.1" in round_card and "AMD" in round_card
        assert re.search(r"\d{2}:\d{2} P[SD]T", page.text_content("[data-testid=deadline-pacific]"))
        local = page.text_content("[data-testid=deadline-local]")
        assert re.search(r"CES?T|GMT\+[12]", local)  # the browser is in Berlin

        # ... uploads, and receives the verdict by email.
        page.click("[data-testid=round-link]")
        page.set_input_files("input[name=package]", str(package))
        page.click("[data-testid=upload-form] button")
        page.wait_for_url("**/v1/", timeout=30_000)
        page.wait_for_selector("[data-testid=verdict]", timeout=120_000)
        assert "valid" in page.text_content("[data-testid=verdict]")
        verdict = wait_for(
            lambda: [m for m in _mails(worker, "dana@amd.example") if "AMD v1: valid" in m],
            timeout=60,
            message="the verdict email",
        )
        assert f"{live_server.url}/rounds/v5.1/submissions/amd/v1/" in verdict[0]

        # The chair's dashboard shows AMD with its verdict.
        page.click("text=Log out")
        login(page, live_server, "the-chair")
        page.goto(f"{live_server.url}/dashboard/")
        amd_row = page.text_content("[data-testid=dashboard-orgs] tr[data-org=amd]")
        assert "v1" in amd_row and "valid" in amd_row
        assert "none valid" in page.text_content("[data-testid=dashboard-orgs] tr[data-org=lenovo]")

        # A day before the deadline, Lenovo (registered, no valid version) is reminded once.
        from submissions.models import SubmissionWindow

        now = timezone.now()
        SubmissionWindow.objects.filter(round=setting).update(deadline=now + timedelta(hours=23))
        for _ in range(3):  # beat runs it every few minutes; three runs in a row send once
            enqueue("notifications.submission_reminders", queue="control")

        def reminded():
            close_old_connections()
            sent = Notification.objects.filter(kind="submission.reminder", status="sent")
            return sent.count() >= 1 and _mails(worker, "contact@lenovo.example")

        wait_for(reminded, timeout=60, message="the reminder")
        try:
            wait_for(
                lambda: _runs(worker, "notifications.submission_reminders") >= 3,
                timeout=60,
                message="the three reminder runs",
            )
        except AssertionError as exc:
            runs = [line for line in worker.log if "submission_reminders" in line]
            raise AssertionError(f"{exc}\n{''.join(runs)}") from None
        reminders = [m for m in _mails(worker, "contact@lenovo.example") if "One day left" in m]
        assert len(reminders) == 1
        assert not [m for m in _mails(worker, "dana@amd.example") if "left:" in m]
        close_old_connections()
        assert Notification.objects.filter(kind="submission.reminder").count() == 1
