"""Reads behind the personal landing page and the chairs' round dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count

from roadmap.models import Round
from submissions.models import DeadlineExtension, Objection, Submission, SubmissionVersion
from submissions.models.review import ObjectionStatus
from submissions.phases import window_state
from submissions.policy import can_view_submission, counting_version, joint_partners
from submissions.selectors import RoundOverview, round_for_submitter, round_overview
from wg.models import (
    Announcement,
    JointSubmission,
    Notification,
    NotificationStatus,
    Organization,
    RoundRegistration,
)
from wg.permissions import can_manage_round, is_member, powers


def current_round(*, now: datetime) -> Round | None:
    """The round people are working on: one open for uploads, else the next to open, else the
    latest in review; published rounds are done."""
    rounds = list(
        Round.objects.filter(window__isnull=False, published_at__isnull=True)
        .select_related("window")
        .prefetch_related("window__extensions")
    )
    open_ = [r for r in rounds if r.window.opens_at <= now <= r.window.closes_for_all_at]
    if open_:
        return min(open_, key=lambda r: r.window.deadline)
    upcoming = [r for r in rounds if r.window.opens_at > now]
    if upcoming:
        return min(upcoming, key=lambda r: r.window.opens_at)
    return max(rounds, key=lambda r: r.window.deadline, default=None)


@dataclass(frozen=True)
class Deadline:
    label: str
    at: datetime
    left: timedelta | None  # None once it has passed


@dataclass
class OrgRow:
    organization: Organization
    registration: RoundRegistration | None
    submission: Submission | None
    version_count: int = 0
    latest: SubmissionVersion | None = None
    counting: SubmissionVersion | None = None
    extension: DeadlineExtension | None = None
    open_by: int = 0
    open_against: int = 0
    joint_with: list[Organization] = field(default_factory=list)


@dataclass
class RoundDashboard:
    round: Round
    now: datetime
    phase: str
    deadlines: list[Deadline]
    rows: list[OrgRow]
    open_objections: list[Objection]
    joint_submissions: list[JointSubmission]
    failed_notifications: int
    unregistered: list[Organization]


def _deadlines(round_: Round, now: datetime) -> list[Deadline]:
    window = getattr(round_, "window", None)
    if window is None:
        return []
    points = [
        ("Opens", window.opens_at),
        ("Deadline", window.deadline),
        ("Grace period ends", window.closes_at),
        *((f"Extension of {e.organization.name}", e.until) for e in window.extensions.all()),
        ("Review ends", window.review_ends_at),
    ]
    return [Deadline(label, at, at - now if at > now else None) for label, at in points]


def round_dashboard(*, round: Round, now: datetime) -> RoundDashboard:
    """Every registered or submitting organisation with its counting version and verdict,
    objections, extension and joint partners; the round's deadlines with the time left."""
    window = getattr(round, "window", None)
    registrations = {
        r.organization_id: r
        for r in RoundRegistration.objects.filter(round=round).select_related("organization")
    }
    submissions = {
        s.organization_id: s
        for s in Submission.objects.filter(round=round)
        .select_related("organization")
        .annotate(version_count=Count("versions"))
    }
    extensions = {e.organization_id: e for e in window.extensions.all()} if window else {}
    objections = list(round.objections.select_related("filed_by", "against"))
    joints = list(JointSubmission.objects.filter(round=round).select_related("first", "second"))
    partners = joint_partners(round)  # recorded here or named on a submission in the review
    names = Organization.objects.in_bulk(set().union(*partners.values()))
    org_ids = set(registrations) | set(submissions)
    rows = []
    for org in Organization.objects.filter(pk__in=org_ids).order_by("name"):
        sub = submissions.get(org.pk)
        open_ = [o for o in objections if o.status == ObjectionStatus.OPEN]
        rows.append(
            OrgRow(
                organization=org,
                registration=registrations.get(org.pk),
                submission=sub,
                version_count=getattr(sub, "version_count", 0),
                latest=sub.versions.order_by("-number").first() if sub else None,
                counting=counting_version(sub) if sub else None,
                extension=extensions.get(org.pk),
                open_by=sum(1 for o in open_ if o.filed_by_id == org.pk),
                open_against=sum(1 for o in open_ if o.against_id == org.pk),
                joint_with=sorted(
                    (names[p] for p in partners.get(org.pk, ())), key=lambda o: o.name
                ),
            )
        )
    return RoundDashboard(
        round=round,
        now=now,
        phase=window_state(window, organization_id=None, now=now).phase if window else "no window",
        deadlines=_deadlines(round, now),
        rows=rows,
        open_objections=[o for o in objections if o.status == ObjectionStatus.OPEN],
        joint_submissions=joints,
        failed_notifications=Notification.objects.filter(status=NotificationStatus.FAILED).count(),
        unregistered=list(Organization.objects.exclude(pk__in=org_ids).order_by("name")),
    )


@dataclass
class Landing:
    round: Round | None
    overview: RoundOverview | None  # the submitter's organisations in the round
    registered_org_ids: set[int]
    dashboard: RoundDashboard | None  # for chairs
    member: bool
    open_rounds: list[tuple[Round, str]]
    announcements: list[Announcement]
    has_role: bool


def landing_page(*, user: Any, now: datetime) -> Landing:
    """What a person finds after logging in: a submitter their round and their organisation's
    versions; a chair the round dashboard; a member what is open."""
    p = powers(user)
    # A submitter's round is the one they have something to do in (uploads open for them, or a
    # fix allowed during review); otherwise the round in progress.
    round_ = (
        round_for_submitter(user=user, now=now) if p.submitter_org_ids else None
    ) or current_round(now=now)
    overview = None
    if round_ is not None and p.submitter_org_ids:
        overview = round_overview(user=user, round=round_, now=now)
        overview.slots = [s for s in overview.slots if s.organization.pk in p.submitter_org_ids]
    member = is_member(user)
    rounds = Round.objects.filter(window__isnull=False, published_at__isnull=True).select_related(
        "window"
    )
    return Landing(
        round=round_,
        overview=overview,
        registered_org_ids=set(
            RoundRegistration.objects.filter(round=round_).values_list("organization_id", flat=True)
        )
        if round_
        else set(),
        dashboard=round_dashboard(round=round_, now=now)
        if round_ and can_manage_round(user)
        else None,
        member=member,
        open_rounds=[
            (r, window_state(r.window, organization_id=None, now=now).phase) for r in rounds
        ]
        if member
        else [],
        announcements=list(Announcement.objects.all()[:3]) if member else [],
        has_role=bool(p.roles) or p.superuser,
    )


def organization_submissions(
    *, user: Any, organization: Organization, now: datetime
) -> list[Submission]:
    """The organisation's submissions this user may see (its own people always; others once
    the review or the publication opens them)."""
    rows = (
        Submission.objects.filter(organization=organization)
        .select_related("round__window", "organization")
        .annotate(version_count=Count("versions"))
        .order_by("-round__name")
    )
    return [
        s for s in rows if s.round.published_at is not None or can_view_submission(user, s, now=now)
    ]
