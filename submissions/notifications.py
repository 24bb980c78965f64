"""What the submission service tells people, through the working group's outbox.

The services call one function here at each event (a verdict, an objection filed or decided,
an extension, publication); the beat task ``notifications.submission_reminders`` announces
windows that open and reminds organisations of the deadline. Every message has an event key, so
an event announced twice sends nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.timezones import format_wg_time
from submissions.models import (
    DeadlineExtension,
    Objection,
    Submission,
    SubmissionVersion,
    SubmissionWindow,
)
from submissions.models.intake import VersionStatus
from submissions.policy import counting_version
from wg.models import Person, Role, RoundRegistration
from wg.notifications import kind_register, notification_enqueue, recipients_for_people
from wg.notifications.announcements import announcement_send
from wg.selectors import people_with_role, round_review_chairs, submitter_contacts

VERDICT = kind_register(
    "submission.verdict", "Verdicts of your uploads", "Your organisation's upload was checked."
)
OBJECTION = kind_register(
    "submission.objection",
    "Objections in review",
    "An objection by or against your organisation was filed, co-signed or decided.",
)
FIX_DUE = kind_register(
    "submission.fix_due", "Fixes due", "An upheld objection asks your organisation for a fix."
)
WINDOW = kind_register(
    "submission.window",
    "Submission windows",
    "A round opens for submissions, or your organisation got an extension.",
)
REMINDER = kind_register(
    "submission.reminder",
    "Deadline reminders",
    "Seven days, one day and one hour before the deadline, while your organisation has no "
    "valid version.",
)
PUBLICATION = kind_register(
    "submission.publication",
    "Publication of results",
    "A round your organisation took part in is published.",
)

FINAL = (VersionStatus.VALID, VersionStatus.INVALID, VersionStatus.REJECTED, VersionStatus.FAILED)
# Smallest first: only the most urgent reminder that is due is sent, so an organisation that
# registers a day before the deadline gets the one-day reminder, not a stale seven-day one too.
REMINDERS = (
    (timedelta(hours=1), "1h", "one hour"),
    (timedelta(days=1), "1d", "one day"),
    (timedelta(days=7), "7d", "seven days"),
)


def _submitters(org_ids: Iterable[int]) -> list[Any]:
    return recipients_for_people(submitter_contacts(set(org_ids)))


def _deciders(round_name: str) -> list[Person]:
    return [*people_with_role(role=Role.CHAIR), *round_review_chairs(round_name)]


def version_status_changed(*, version: SubmissionVersion) -> None:
    """A version reached its verdict (or could not be checked): tell its organisation."""
    if version.status not in FINAL:
        return
    version = SubmissionVersion.objects.select_related(
        "submission__round", "submission__organization", "report"
    ).get(pk=version.pk)
    submission = version.submission
    report = getattr(version, "report", None)
    counts = (
        dict(
            report.findings.values_list("severity")
            .annotate(n=Count("id"))
            .values_list("severity", "n")
        )
        if report
        else {}
    )
    notification_enqueue(
        kind=VERDICT.code,
        event_key=f"{VERDICT.code}:{version.pk}:{version.status}",
        recipients=_submitters([submission.organization_id]),
        subject=f"{submission.round.name} {submission.organization.name} v{version.number}: "
        f"{version.get_status_display().lower()}",
        template="submissions/email/verdict.txt",
        context={
            "version": version,
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
        },
        url=version.get_absolute_url(),
    )


def _objection_message(objection: Objection, event: str, recipients: list[Any], text: str) -> None:
    notification_enqueue(
        kind=OBJECTION.code,
        event_key=f"{OBJECTION.code}:{objection.pk}:{event}",
        recipients=recipients,
        subject=f"{objection.round.name}: objection by {objection.filed_by.name} against "
        f"{objection.against.name} {event}",
        template="submissions/email/objection.txt",
        context={"objection": objection, "text": text},
        url=objection.round.get_absolute_url(),
    )


def objection_filed(*, objection: Objection) -> None:
    """To both organisations, and to the people who decide (chairs, the round's review chairs)."""
    recipients = _submitters([objection.filed_by_id, objection.against_id])
    recipients += recipients_for_people(_deciders(objection.round.name))
    _objection_message(objection, "filed", recipients, "An objection was filed.")


def objection_cosigned(*, objection: Objection, organization: Any) -> None:
    """Another organisation signed the objection: tell the three of them."""
    orgs = [objection.filed_by_id, objection.against_id, organization.pk]
    _objection_message(
        objection,
        f"co-signed by {organization.name}",
        _submitters(orgs),
        f"{organization.name} co-signed the objection.",
    )


def objection_acknowledged(*, objection: Objection) -> None:
    """The organisation objected to acknowledged the problem: a fix is now allowed."""
    _objection_message(
        objection,
        "acknowledged",
        _submitters([objection.filed_by_id, objection.against_id]),
        f"{objection.against.name} acknowledged the objection; it may upload a fix for what it "
        "names.",
    )


def objection_decided(*, objection: Objection) -> None:
    """Upheld, dismissed or withdrawn: both organisations and every co-signer; a fix allowed is
    due by review's end."""
    status = objection.get_status_display().lower()
    text = f"The objection was {status}." + (
        f"\nDecision: {objection.decision}" if objection.decision else ""
    )
    signers = list(objection.signers.values_list("organization_id", flat=True))
    _objection_message(
        objection,
        status,
        _submitters([objection.filed_by_id, objection.against_id, *signers]),
        text,
    )
    if objection.status == "upheld" and objection.fix_required:
        window = SubmissionWindow.objects.filter(round_id=objection.round_id).first()
        notification_enqueue(
            kind=FIX_DUE.code,
            event_key=f"{FIX_DUE.code}:{objection.pk}",
            recipients=_submitters([objection.against_id]),
            subject=f"{objection.round.name}: a fix is due from {objection.against.name}",
            template="submissions/email/fix_due.txt",
            context={
                "objection": objection,
                "due": format_wg_time(window.review_ends_at) if window else "",
            },
            url=objection.round.get_absolute_url(),
        )


def extension_granted(*, extension: DeadlineExtension) -> None:
    round_ = extension.window.round
    notification_enqueue(
        kind=WINDOW.code,
        event_key=f"{WINDOW.code}:extension:{extension.pk}:{extension.until.isoformat()}",
        recipients=_submitters([extension.organization_id]),
        subject=f"{round_.name}: {extension.organization.name} may upload until "
        f"{format_wg_time(extension.until)}",
        template="submissions/email/extension.txt",
        context={"extension": extension, "until": format_wg_time(extension.until), "round": round_},
        url=round_.get_absolute_url(),
    )


def round_published(*, round: Any) -> None:
    """The list hears it, and every organisation that submitted gets its own message."""
    url = reverse("submissions:results-round", args=[round.name])
    announcement_send(
        actor=None,
        event_key=f"{PUBLICATION.code}:{round.name}",
        subject=f"MLPerf Training {round.name} results are published",
        body=f"The results of MLPerf Training {round.name} are public.",
        url=url,
    )
    orgs = Submission.objects.filter(round=round).values_list("organization_id", flat=True)
    notification_enqueue(
        kind=PUBLICATION.code,
        event_key=f"{PUBLICATION.code}:{round.name}",
        recipients=_submitters(orgs),
        subject=f"MLPerf Training {round.name} results are published",
        template="submissions/email/published.txt",
        context={"round": round},
        url=url,
    )


def windows_opened(*, now: datetime | None = None) -> int:
    """Announce each window that has opened and whose deadline is ahead (once per opening)."""
    now = now or timezone.now()
    count = 0
    for window in SubmissionWindow.objects.select_related("round").filter(
        opens_at__lte=now, deadline__gt=now
    ):
        if window.round.is_cancelled:
            continue
        key = f"{WINDOW.code}:open:{window.round.name}:{window.opens_at.isoformat()}"
        deadline = format_wg_time(window.deadline)
        subject = f"MLPerf Training {window.round.name} is open for submissions until {deadline}"
        url = window.round.get_absolute_url()
        announcement_send(
            actor=None,
            event_key=key,
            subject=subject,
            url=url,
            body=f"Submissions to {window.round.name} are open. The deadline is {deadline}.",
        )
        everyone = people_with_role(role=Role.SUBMITTER)
        count += len(
            notification_enqueue(
                kind=WINDOW.code,
                event_key=key,
                recipients=recipients_for_people(everyone),
                subject=subject,
                template="submissions/email/window_open.txt",
                context={"window": window, "deadline": deadline},
                url=url,
            )
        )
    return count


def deadline_reminders(*, now: datetime | None = None) -> int:
    """Remind every organisation registered for a round (or that uploaded to it) and without a
    valid version: seven days, one day and one hour before its deadline (its extension's end, if
    it has one). Each reminder goes out once; returns how many messages were written."""
    now = now or timezone.now()
    count = 0
    windows = (
        SubmissionWindow.objects.select_related("round")
        .prefetch_related("extensions")
        .filter(opens_at__lte=now, round__published_at__isnull=True)
    )
    for window in windows:
        round_ = window.round
        if round_.is_cancelled:
            continue
        org_ids = set(
            RoundRegistration.objects.filter(round=round_).values_list("organization_id", flat=True)
        )
        submissions = {s.organization_id: s for s in Submission.objects.filter(round=round_)}
        extensions = {e.organization_id: e.until for e in window.extensions.all()}
        for org_id in sorted(org_ids | set(submissions)):
            submission = submissions.get(org_id)
            if submission is not None and counting_version(submission) is not None:
                continue
            deadline = max(window.deadline, extensions.get(org_id, window.deadline))
            due = next((r for r in REMINDERS if deadline - r[0] <= now < deadline), None)
            if due is None:
                continue
            count += len(
                notification_enqueue(
                    kind=REMINDER.code,
                    event_key=f"{REMINDER.code}:{round_.name}:{org_id}:{due[1]}",
                    recipients=_submitters([org_id]),
                    subject=f"{round_.name}: {due[2]} left to submit — no valid version yet",
                    template="submissions/email/reminder.txt",
                    context={
                        "round": round_,
                        "left": due[2],
                        "deadline": format_wg_time(deadline),
                        "has_upload": submission is not None,
                    },
                    url=round_.get_absolute_url(),
                )
            )
    return count
