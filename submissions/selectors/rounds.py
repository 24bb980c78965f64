"""Reads of rounds, submissions and versions, filtered by what the user may see.

Embargo: a submission or version is found only through these selectors, which ask
``submissions.policy``; what is not visible is ``NotFound`` (a 404), as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from core.errors import NotFound
from core.timezones import to_wg_time
from roadmap.models import Round
from submissions.models import BenchmarkCheck, Submission, SubmissionVersion
from submissions.models.validation import CheckStatus
from submissions.phases import Phase, WindowState, window_state
from submissions.policy import (
    can_view_submission,
    can_view_version,
    counting_version,
    fix_allowed,
    is_own_submission,
    reviewable_versions_q,
)
from wg.models import Organization
from wg.permissions import acts_for_organizations, can_submit_for, powers


def round_get(name: str) -> Round:
    round_ = (
        Round.objects.select_related("window")
        .prefetch_related("window__extensions", "benchmark_versions__benchmark")
        .filter(name=name)
        .first()
    )
    if round_ is None:
        raise NotFound(f"No round {name}")
    return round_


@dataclass(frozen=True)
class RoundRow:
    round: Round
    status: str  # what the rounds list says: published, open, in review, planned, …
    phase: Phase | None


def round_list(*, now: datetime) -> list[RoundRow]:
    rounds = (
        Round.objects.select_related("window")
        .prefetch_related("window__extensions")
        .order_by("-name")
    )
    return [_round_row(r, now) for r in rounds]


def _round_row(round_: Round, now: datetime) -> RoundRow:
    window = getattr(round_, "window", None)
    phase = window_state(window, organization_id=None, now=now).phase if window else None
    if round_.published_at is not None:
        status = "published"
    elif round_.is_cancelled:
        status = "cancelled"
    elif phase in (Phase.OPEN, Phase.GRACE, Phase.EXTENDED):
        status = "open for submissions"
    elif phase == Phase.NOT_OPEN:
        status = "opens soon"
    elif phase == Phase.REVIEW:
        status = "in review"
    elif phase == Phase.CLOSED:
        status = "review closed, not yet published"
    elif round_.submission_date and round_.submission_date < _today(now):
        # A date in the plan that passed without a window is not "planned" any more.
        status = "no submission window was opened"
    else:
        status = "planned"
    return RoundRow(round=round_, status=status, phase=phase)


def _today(now: datetime) -> date:
    return to_wg_time(now).date()


@dataclass
class OrgSlot:
    """One organisation the user acts for in a round: its window state and its versions."""

    organization: Organization
    state: WindowState | None
    can_upload: bool
    is_submitter: bool = False  # a submitter contact of this organisation
    is_fix: bool = False  # uploads during review are fixes an objection allowed
    versions: list[SubmissionVersion] = field(default_factory=list)
    counting: SubmissionVersion | None = None


def org_slots(*, user: Any, round: Round, now: datetime) -> list[OrgSlot]:
    window = getattr(round, "window", None)
    slots = []
    for org in Organization.objects.filter(pk__in=acts_for_organizations(user)).order_by("name"):
        submission = round.submissions.filter(organization=org).first()
        versions = (
            list(submission.versions.select_related("report").order_by("-number"))
            if submission
            else []
        )
        state = window_state(window, organization_id=org.pk, now=now) if window else None
        is_fix = bool(
            state is not None
            and state.phase == Phase.REVIEW
            and round.published_at is None
            and fix_allowed(round, org.pk)
        )
        slots.append(
            OrgSlot(
                organization=org,
                state=state,
                versions=versions,
                can_upload=can_submit_for(user, org.pk)
                and state is not None
                and (state.accepts_uploads or is_fix),
                is_submitter=can_submit_for(user, org.pk),
                is_fix=is_fix,
                counting=counting_version(submission) if submission else None,
            )
        )
    return slots


def submission_get_for_user(*, user: Any, round: Round, org_slug: str, now: datetime) -> Submission:
    """The submission, or NotFound — also when it exists but is embargoed from this user."""
    submission = (
        Submission.objects.select_related("organization", "round__window")
        .filter(round=round, organization__slug=org_slug)
        .first()
    )
    if submission is None or not can_view_submission(user, submission, now=now):
        raise NotFound("No such submission")
    return submission


def versions_for_user(*, user: Any, submission: Submission) -> QuerySet[SubmissionVersion]:
    """Its organisation sees every version; reviewers the counting one and the fixes."""
    versions = submission.versions.select_related("report", "uploaded_by").order_by("-number")
    if is_own_submission(user, submission):
        return versions
    return versions.filter(reviewable_versions_q(submission))


def version_get_for_user(
    *, user: Any, round: Round, org_slug: str, number: int, now: datetime
) -> SubmissionVersion:
    submission = submission_get_for_user(user=user, round=round, org_slug=org_slug, now=now)
    version = (
        submission.versions.select_related(
            "report", "uploaded_by", "submission__organization", "submission__round__window"
        )
        .filter(number=number)
        .first()
    )
    if version is None or not can_view_version(user, version, now=now):
        raise NotFound("No such version")
    return version


@dataclass(frozen=True)
class Progress:
    status: str
    status_label: str
    total: int
    done: int
    running: int
    final: bool


def version_progress(version: SubmissionVersion) -> Progress:
    report = getattr(version, "report", None)
    counts = (
        BenchmarkCheck.objects.filter(report=report).aggregate(
            total=Count("id"),
            done=Count("id", filter=Q(status__in=[CheckStatus.DONE, CheckStatus.FAILED])),
            running=Count("id", filter=Q(status=CheckStatus.RUNNING)),
        )
        if report
        else {"total": 0, "done": 0, "running": 0}
    )
    return Progress(
        status=version.status,
        status_label=version.get_status_display(),
        total=counts["total"],
        done=counts["done"],
        running=counts["running"],
        final=version.is_final,
    )


def round_for_submitter(*, user: Any, now: datetime) -> Round | None:
    """The round a submitter has something to do in now: uploads open for one of their
    organisations, or a fix allowed during review (the newest such round)."""
    org_ids = powers(user).submitter_org_ids
    if not org_ids:
        return None
    candidates = (
        Round.objects.filter(published_at__isnull=True, window__isnull=False)
        .select_related("window")
        .prefetch_related("window__extensions")
        .order_by("-window__deadline")
    )
    for round_ in candidates:
        for org_id in org_ids:
            state = window_state(round_.window, organization_id=org_id, now=now)
            if state.accepts_uploads or (
                state.phase == Phase.REVIEW and fix_allowed(round_, org_id)
            ):
                return round_
    return None


# --- The storage quota ------------------------------------------------------------------------


def stored_bytes(*, round: Round, organization: Organization) -> int:
    """What the organisation's versions of the round keep in the store (an archive uploaded
    twice is stored once)."""
    rows = SubmissionVersion.objects.filter(
        submission__round=round, submission__organization=organization
    ).values_list("sha256", "size_bytes")
    return sum(dict(rows).values())


def quota_remaining(*, round: Round, organization: Organization) -> int:
    return max(
        0, settings.SUBMISSION_QUOTA_BYTES - stored_bytes(round=round, organization=organization)
    )
