"""Review assignments and joint partners: computed as the rules say, edited by the review chair."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import DomainError, PermissionDenied
from roadmap.models import Round
from submissions import assignments
from submissions.models import JointPartner, ReviewAssignment, Submission
from submissions.models.review import AssignmentPool
from submissions.policy import (
    can_manage_review,
    joint_partners,
    submitting_org_ids,
    uploads_closed,
)
from submissions.selectors.review import ranking_submitters
from wg.models import Organization


def _require_manager(actor: Any, round_: Round) -> None:
    if not can_manage_review(actor, round_):
        raise PermissionDenied(
            "Only the round's review chairs and the working-group chairs do this."
        )
    if round_.published_at is not None:
        raise DomainError(f"{round_.name} is published; the review is over.")


def review_assignments_compute(
    *, actor: Any, round: Round, now: datetime | None = None
) -> assignments.Plan:
    """Replace the round's assignments with the ones the rules give (after uploads close,
    when the submitters are known). Returns the plan, with who no peer can review."""
    _require_manager(actor, round)
    now = now or timezone.now()
    if not uploads_closed(round, now):
        raise DomainError("Assignments are computed once uploads are closed for everyone.")
    plan = assignments.plan(ranking_submitters(round))
    with transaction.atomic():
        ReviewAssignment.objects.filter(round=round).delete()
        ReviewAssignment.objects.bulk_create(
            ReviewAssignment(
                round=round,
                reviewer_id=pair.reviewer,
                reviewee_id=pair.reviewee,
                pool=pair.pool,
                computed=True,
                created_by=actor,
            )
            for pair in plan.pairs
        )
        audit_record(
            actor=actor,
            action="review.assignments_compute",
            obj=round,
            after={
                "pairs": [[p.reviewer, p.reviewee, p.pool] for p in plan.pairs],
                "unassigned": [list(u) for u in plan.unassigned],
            },
        )
    return plan


def review_assignment_add(
    *,
    actor: Any,
    round: Round,
    reviewer: Organization,
    reviewee: Organization,
    pool: str = AssignmentPool.STANDARD,
    note: str = "",
) -> ReviewAssignment:
    """The review chair assigns a reviewer by hand (a volunteer, or to change a pairing)."""
    _require_manager(actor, round)
    if reviewer.pk == reviewee.pk:
        raise DomainError("An organisation does not review itself.")
    if reviewee.pk not in submitting_org_ids(round):
        raise DomainError(f"{reviewee.name} has no accepted result to review in {round.name}.")
    if reviewer.pk in _partners_of(round, reviewee.pk):
        raise DomainError(
            f"{reviewer.name} is {reviewee.name}'s joint-submission partner and may not review it."
        )
    if pool not in AssignmentPool.values:
        raise DomainError("Unknown assignment pool.")
    with transaction.atomic():
        assignment, created = ReviewAssignment.objects.get_or_create(
            round=round,
            reviewer=reviewer,
            reviewee=reviewee,
            pool=pool,
            defaults={"computed": False, "created_by": actor, "note": note.strip()[:300]},
        )
        if not created:
            raise DomainError(f"{reviewer.name} already reviews {reviewee.name}.")
        audit_record(
            actor=actor,
            action="review.assignment_add",
            obj=assignment,
            after={"reviewer": reviewer.slug, "reviewee": reviewee.slug, "pool": pool},
        )
    return assignment


def review_assignment_remove(*, actor: Any, assignment: ReviewAssignment) -> None:
    _require_manager(actor, assignment.round)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="review.assignment_remove",
            obj=assignment.round,
            before={
                "reviewer": assignment.reviewer.slug,
                "reviewee": assignment.reviewee.slug,
                "pool": assignment.pool,
            },
        )
        assignment.delete()


def _partners_of(round_: Round, org_id: int) -> set[int]:
    """The organisations that share a joint submission with ``org_id`` in the round."""
    teams = [{owner} | partners for owner, partners in joint_partners(round_).items()]
    return set().union(*(team for team in teams if org_id in team)) - {org_id}


def submission_partner_add(
    *, actor: Any, submission: Submission, organization: Organization
) -> JointPartner:
    """Record that ``organization`` submitted jointly with the submission's organisation."""
    _require_manager(actor, submission.round)
    if organization.pk == submission.organization_id:
        raise DomainError("An organisation is not its own joint partner.")
    with transaction.atomic():
        partner, created = JointPartner.objects.get_or_create(
            submission=submission, organization=organization, defaults={"added_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="submission.partner_add",
                obj=submission,
                after={"partner": organization.slug},
            )
    return partner
