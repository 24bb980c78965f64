"""Reads for the review period: who submitted what, assignments, objections with their
signers and what the user may do with each, result changes, borrowing declarations, and what
still stands in the way of publication."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from core.errors import NotFound
from core.timezones import format_wg_time
from roadmap.models import Round
from submissions import assignments
from submissions.models import (
    HyperparameterBorrowing,
    Objection,
    ResultChange,
    ReviewAssignment,
    Submission,
    SubmissionVersion,
    SystemDescription,
)
from submissions.models.intake import VersionStatus
from submissions.models.review import ObjectionStatus
from submissions.policy import (
    can_acknowledge_objection,
    can_decide_objection,
    can_review_round,
    cosigning_org_ids,
    counting_version,
    joint_partners,
    submitting_org_ids,
    withdrawing_org_ids,
)
from wg.models import Organization
from wg.permissions import acts_for_organizations

# Versions whose verdict is in and cannot change any more.
FINAL_STATUSES = (VersionStatus.VALID, VersionStatus.INVALID, VersionStatus.REJECTED)


# --- Publication ------------------------------------------------------------------------------


def publication_blockers(round_: Round, *, now: datetime) -> list[str]:
    """Why the round cannot be published now, in sentences (empty: it can be)."""
    window = getattr(round_, "window", None)
    if window is None:
        return ["The round has no submission window."]
    blockers = []
    if now <= window.closes_for_all_at:
        blockers.append(
            f"Uploads are open until {format_wg_time(window.closes_for_all_at, seconds=True)}."
        )
    pending = (
        SubmissionVersion.objects.filter(submission__round=round_)
        .exclude(status__in=FINAL_STATUSES)
        .select_related("submission__organization")
        .order_by("submission__organization__name", "number")
    )
    for version in pending:
        blockers.append(_pending_sentence(version))
    still_open = _open_objections(round_, now)
    if still_open:
        named = "; ".join(f"{o.filed_by.name} against {o.against.name}" for o in still_open[:5])
        more = f" and {len(still_open) - 5} more" if len(still_open) > 5 else ""
        blockers.append(
            f"{len(still_open)} objection{'s are' if len(still_open) != 1 else ' is'} open "
            f"({named}{more}): decide {'them' if len(still_open) != 1 else 'it'}, or the "
            "objectors withdraw."
        )
    return blockers


def _pending_sentence(version: SubmissionVersion) -> str:
    org = version.submission.organization.name
    what = "review fix" if version.during_review else "on-time upload"
    received = format_wg_time(version.received_at, seconds=True)
    if version.status == VersionStatus.FAILED:
        return (
            f"{org} version {version.number} ({what} received {received}): its validation "
            "could not run; validate it again from its page (“Validate again”)."
        )
    return (
        f"{org} version {version.number} ({what} received {received}) is "
        f"{version.get_status_display().lower()}; its verdict is not in yet."
    )


def _open_objections(round_: Round, now: datetime) -> list[Objection]:
    """Open objections, less the ones publication will close (no signer once due)."""
    window = round_.window
    objections = list(
        round_.objections.filter(status=ObjectionStatus.OPEN)
        .select_related("filed_by", "against")
        .prefetch_related("signers")
    )
    if now <= window.objections_close_at:
        return objections
    return [o for o in objections if any(s.withdrawn_at is None for s in o.signers.all())]


# --- Who submitted, for the ranking -----------------------------------------------------------


@dataclass
class SubmitterRow:
    organization: Organization
    submission: Submission | None
    counting: SubmissionVersion | None
    results: int
    partner_of: list[Organization] = field(default_factory=list)


def _scored(version: SubmissionVersion) -> list[tuple[str, str, int | None]]:
    accelerators = dict(
        SystemDescription.objects.filter(version=version).values_list("name", "accelerators")
    )
    return [
        (system, benchmark, accelerators.get(system))
        for system, benchmark in version.scores.exclude(score_minutes=None).values_list(
            "system", "benchmark"
        )
    ]


def ranking_submitters(round_: Round) -> list[assignments.Submitter]:
    """The round's submitters as the assignment rule ranks them; each partner of a joint
    submission counts on its own, with the joint submission's results."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # results, large, scale
    partners: dict[int, set[int]] = defaultdict(set)
    names = dict(Organization.objects.values_list("pk", "name"))
    joint = joint_partners(round_)
    for submission in Submission.objects.filter(round=round_):
        version = counting_version(submission)
        if version is None:
            continue
        scored = _scored(version)
        if not scored:
            continue
        team = {submission.organization_id} | joint.get(submission.organization_id, set())
        for org_id in team:
            partners[org_id] |= team - {org_id}
            for _system, _benchmark, accelerators in scored:
                large = (accelerators or 0) >= assignments.LARGE_SCALE_ACCELERATORS
                counts[org_id][1 if large else 0] += 1
                if large:
                    counts[org_id][2] = max(counts[org_id][2], accelerators or 0)
    return [
        assignments.Submitter(
            org_id=org_id,
            name=names.get(org_id, ""),
            results=value[0],
            large_results=value[1],
            scale=value[2],
            partners=frozenset(partners[org_id]),
        )
        for org_id, value in sorted(counts.items())
    ]


# --- The review part of a round page ----------------------------------------------------------


@dataclass
class ObjectionView:
    objection: Objection
    signers: list[Organization]
    former_signers: list[Organization]
    cosign_as: list[Organization]
    withdraw_as: list[Organization]
    can_acknowledge: bool
    can_decide: bool


@dataclass
class ReviewOverview:
    reviewing: bool
    submitters: list[SubmitterRow]
    assignments: list[ReviewAssignment]
    objections: list[ObjectionView]
    changes: list[ResultChange]
    borrowings: list[HyperparameterBorrowing]


def _visible_objections(user: Any, round: Round, *, reviewing: bool) -> QuerySet[Objection]:
    """The review committee sees every objection; others those against or signed by their
    organisations."""
    objections = round.objections.select_related(
        "filed_by", "against", "decided_by", "round__window"
    ).prefetch_related("signers__organization")
    if reviewing:
        return objections
    mine = acts_for_organizations(user)
    return objections.filter(
        Q(against_id__in=mine) | Q(signers__organization_id__in=mine)
    ).distinct()


def _visible_changes(user: Any, round: Round, *, reviewing: bool) -> QuerySet[ResultChange]:
    """Result changes (cancelled ones too): all for the review committee, else one's own."""
    changes = ResultChange.objects.filter(round=round).select_related(
        "organization", "round__window"
    )
    if reviewing:
        return changes
    return changes.filter(organization_id__in=acts_for_organizations(user))


def _active_changes(user: Any, round: Round, *, reviewing: bool) -> list[ResultChange]:
    return list(
        _visible_changes(user, round, reviewing=reviewing).filter(cancelled_at__isnull=True)
    )


def _visible_borrowings(
    user: Any, round: Round, *, reviewing: bool
) -> QuerySet[HyperparameterBorrowing]:
    borrowings = round.borrowings.select_related("organization", "borrowed_from")
    if reviewing:
        return borrowings
    return borrowings.filter(organization_id__in=acts_for_organizations(user))


def _visible_assignments(round: Round, *, reviewing: bool) -> QuerySet[ReviewAssignment]:
    """The review assignments, for the review committee only."""
    rows = ReviewAssignment.objects.filter(round=round)
    if not reviewing:
        return rows.none()
    return rows.select_related("round", "reviewer", "reviewee")


def objection_get(*, user: Any, round: Round, pk: int, now: datetime) -> Objection:
    """An objection of ``round`` the user may see; any other is ``NotFound``, as if it did not
    exist (a refusal would tell an outsider which objections an embargoed round has)."""
    reviewing = can_review_round(user, round, now=now)
    objection = _visible_objections(user, round, reviewing=reviewing).filter(pk=pk).first()
    if objection is None:
        raise NotFound("No such objection.")
    return objection


def result_change_get(*, user: Any, round: Round, pk: int, now: datetime) -> ResultChange:
    """A result change of ``round`` the user may see; any other is ``NotFound``."""
    reviewing = can_review_round(user, round, now=now)
    change = _visible_changes(user, round, reviewing=reviewing).filter(pk=pk).first()
    if change is None:
        raise NotFound("No such change of results.")
    return change


def assignment_get(*, user: Any, round: Round, pk: int, now: datetime) -> ReviewAssignment:
    """A review assignment of ``round``, for the review committee; else ``NotFound``."""
    reviewing = can_review_round(user, round, now=now)
    assignment = _visible_assignments(round, reviewing=reviewing).filter(pk=pk).first()
    if assignment is None:
        raise NotFound("No such assignment.")
    return assignment


# The review's lists one at a time, for the API: the rows ``review_overview`` shows, without
# the rest of the overview (the submitters' rows count every counting version's results).


def result_changes_visible(*, user: Any, round: Round, now: datetime) -> list[ResultChange]:
    """The active withdrawals and moves to open the user may see."""
    return _active_changes(user, round, reviewing=can_review_round(user, round, now=now))


def borrowings_visible(*, user: Any, round: Round, now: datetime) -> list[HyperparameterBorrowing]:
    return list(_visible_borrowings(user, round, reviewing=can_review_round(user, round, now=now)))


def assignments_visible(*, user: Any, round: Round, now: datetime) -> list[ReviewAssignment]:
    return list(_visible_assignments(round, reviewing=can_review_round(user, round, now=now)))


def review_overview(*, user: Any, round: Round, now: datetime) -> ReviewOverview:
    reviewing = can_review_round(user, round, now=now)
    objections = _visible_objections(user, round, reviewing=reviewing)
    return ReviewOverview(
        reviewing=reviewing,
        submitters=_submitter_rows(round) if reviewing else [],
        assignments=list(_visible_assignments(round, reviewing=reviewing)),
        objections=[_objection_view(user, o, now) for o in objections],
        changes=_active_changes(user, round, reviewing=reviewing),
        borrowings=list(_visible_borrowings(user, round, reviewing=reviewing)),
    )


def _submitter_rows(round_: Round) -> list[SubmitterRow]:
    submitting = submitting_org_ids(round_)
    rows = []
    for submission in round_.submissions.select_related("organization").filter(
        organization_id__in=submitting
    ):
        version = counting_version(submission)
        rows.append(
            SubmitterRow(
                organization=submission.organization,
                submission=submission,
                counting=version,
                results=len(_scored(version)) if version else 0,
                partner_of=[],
            )
        )
    partners = joint_partners(round_)
    orgs = Organization.objects.in_bulk(set().union(*partners.values()))
    for owner_row in [row for row in rows if row.results]:
        owner = owner_row.organization
        for partner_id in sorted(partners.get(owner.pk, ())):
            rows.append(
                SubmitterRow(
                    organization=orgs[partner_id],
                    submission=None,
                    counting=None,
                    results=owner_row.results,  # the joint submission's results
                    partner_of=[owner],
                )
            )
    return sorted(rows, key=lambda r: (-r.results, r.organization.name.lower()))


def _objection_view(user: Any, objection: Objection, now: datetime) -> ObjectionView:
    signers = list(objection.signers.all())
    cosign = cosigning_org_ids(user, objection, now=now)
    withdraw = withdrawing_org_ids(user, objection)
    orgs = Organization.objects.in_bulk(cosign + withdraw)
    return ObjectionView(
        objection=objection,
        signers=[s.organization for s in signers if s.withdrawn_at is None],
        former_signers=[s.organization for s in signers if s.withdrawn_at is not None],
        cosign_as=[orgs[i] for i in cosign],
        withdraw_as=[orgs[i] for i in withdraw],
        can_acknowledge=can_acknowledge_objection(user, objection, now=now),
        can_decide=objection.status == ObjectionStatus.OPEN
        and can_decide_objection(user, objection.round),
    )
