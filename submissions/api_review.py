"""REST API for what the round page offers during review besides objections: a submitter's
result changes and hyperparameter-borrowing declarations, and the review chair's assignments.

Reads go through the selectors of the round page's review (``selectors.review``), so a caller
sees only what the embargo lets it see; writes call the same services as the pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from submissions import selectors
from submissions.models import HyperparameterBorrowing, ResultChange, ReviewAssignment
from submissions.models.review import AssignmentPool
from submissions.services import assignments, own_results
from wg.api_auth import auth_required
from wg.models import Organization

router = Router(tags=["review"])


class ResultChangeIn(Schema):
    organization: str
    system: str
    benchmark: str = ""  # empty: every benchmark of the system
    kind: str  # withdraw or move_to_open


class ResultChangeOut(Schema):
    id: int
    organization: str
    system: str
    benchmark: str
    kind: str
    requested_at: datetime
    cancelled_at: datetime | None


class BorrowingIn(Schema):
    organization: str
    benchmark: str
    borrowed_from: str
    description: str
    system: str = ""


class BorrowingOut(Schema):
    id: int
    organization: str
    benchmark: str
    system: str
    borrowed_from: str
    description: str
    declared_at: datetime


class AssignmentIn(Schema):
    reviewer: str
    reviewee: str
    pool: str = AssignmentPool.STANDARD
    note: str = ""


class AssignmentOut(Schema):
    id: int
    reviewer: str
    reviewee: str
    pool: str
    computed: bool
    note: str


class UnassignedOut(Schema):
    organization: str
    pool: str


class AssignmentPlanOut(Schema):
    assignments: list[AssignmentOut]
    unassigned: list[UnassignedOut]  # no peer can review them: a volunteer or the chairs do


def _change_out(c: ResultChange) -> ResultChangeOut:
    return ResultChangeOut(
        id=c.pk,
        organization=c.organization.slug,
        system=c.system,
        benchmark=c.benchmark,
        kind=c.kind,
        requested_at=c.requested_at,
        cancelled_at=c.cancelled_at,
    )


def _borrowing_out(b: HyperparameterBorrowing) -> BorrowingOut:
    return BorrowingOut(
        id=b.pk,
        organization=b.organization.slug,
        benchmark=b.benchmark,
        system=b.system,
        borrowed_from=b.borrowed_from.slug,
        description=b.description,
        declared_at=b.declared_at,
    )


def _assignment_out(a: ReviewAssignment) -> AssignmentOut:
    return AssignmentOut(
        id=a.pk,
        reviewer=a.reviewer.slug,
        reviewee=a.reviewee.slug,
        pool=a.pool,
        computed=a.computed,
        note=a.note,
    )


def _org(slug: str) -> Organization:
    return get_object_or_404(Organization, slug=slug)


def _seen(request: HttpRequest, name: str) -> dict[str, Any]:
    """What the visibility selectors take: the caller, the round, the time."""
    return {"user": request.user, "round": selectors.round_get(name), "now": timezone.now()}


# --- A submitter's own results ------------------------------------------------------------------


@router.get("/rounds/{name}/result-changes", response=list[ResultChangeOut], auth=auth_required)
def result_change_list(request: HttpRequest, name: str) -> list[ResultChangeOut]:
    """Active withdrawals and moves to open: every organisation's for the review committee,
    the caller's own organisations' for anyone else."""
    return [_change_out(c) for c in selectors.result_changes_visible(**_seen(request, name))]


@router.post("/rounds/{name}/result-changes", response={201: ResultChangeOut}, auth=auth_required)
def result_change_request(request: HttpRequest, name: str, payload: ResultChangeIn) -> Status:
    """Withdraw a result or move it from closed to open, until the review ends."""
    change = own_results.result_change_request(
        actor=request.user,
        round=selectors.round_get(name),
        organization=_org(payload.organization),
        system=payload.system,
        benchmark=payload.benchmark,
        kind=payload.kind,
    )
    return Status(201, _change_out(change))


@router.post(
    "/rounds/{name}/result-changes/{int:pk}/cancel", response=ResultChangeOut, auth=auth_required
)
def result_change_cancel(request: HttpRequest, name: str, pk: int) -> ResultChangeOut:
    change = selectors.result_change_get(pk=pk, **_seen(request, name))
    return _change_out(own_results.result_change_cancel(actor=request.user, change=change))


@router.get("/rounds/{name}/borrowing", response=list[BorrowingOut], auth=auth_required)
def borrowing_list(request: HttpRequest, name: str) -> list[BorrowingOut]:
    """Hyperparameter-borrowing declarations, seen as on the round page."""
    return [_borrowing_out(b) for b in selectors.borrowings_visible(**_seen(request, name))]


@router.post("/rounds/{name}/borrowing", response={201: BorrowingOut}, auth=auth_required)
def borrowing_declare(request: HttpRequest, name: str, payload: BorrowingIn) -> Status:
    """Declare borrowed hyperparameters, by the round's borrowing deadline."""
    declaration = own_results.borrowing_declare(
        actor=request.user,
        round=selectors.round_get(name),
        organization=_org(payload.organization),
        benchmark=payload.benchmark,
        system=payload.system,
        borrowed_from=_org(payload.borrowed_from),
        description=payload.description,
    )
    return Status(201, _borrowing_out(declaration))


# --- The review chair's assignments -------------------------------------------------------------


@router.get("/rounds/{name}/assignments", response=list[AssignmentOut], auth=auth_required)
def assignment_list(request: HttpRequest, name: str) -> list[AssignmentOut]:
    return [_assignment_out(a) for a in selectors.assignments_visible(**_seen(request, name))]


@router.post("/rounds/{name}/assignments", response={201: AssignmentOut}, auth=auth_required)
def assignment_add(request: HttpRequest, name: str, payload: AssignmentIn) -> Status:
    """Assign a reviewer by hand (the review chairs and the working-group chairs)."""
    assignment = assignments.review_assignment_add(
        actor=request.user,
        round=selectors.round_get(name),
        reviewer=_org(payload.reviewer),
        reviewee=_org(payload.reviewee),
        pool=payload.pool,
        note=payload.note,
    )
    return Status(201, _assignment_out(assignment))


@router.delete("/rounds/{name}/assignments/{int:pk}", response={204: None}, auth=auth_required)
def assignment_remove(request: HttpRequest, name: str, pk: int) -> Status:
    # Outside the review committee one that exists is not found, like one that does not.
    assignment = selectors.assignment_get(pk=pk, **_seen(request, name))
    assignments.review_assignment_remove(actor=request.user, assignment=assignment)
    return Status(204, None)


@router.post("/rounds/{name}/assignments/compute", response=AssignmentPlanOut, auth=auth_required)
def assignments_compute(request: HttpRequest, name: str) -> AssignmentPlanOut:
    """Replace the assignments with the ones the rules give, once uploads are closed."""
    round_ = selectors.round_get(name)
    plan = assignments.review_assignments_compute(actor=request.user, round=round_)
    orgs = Organization.objects.in_bulk([org_id for org_id, _pool in plan.unassigned])
    return AssignmentPlanOut(
        assignments=[
            _assignment_out(a) for a in selectors.assignments_visible(**_seen(request, name))
        ],
        unassigned=[
            UnassignedOut(organization=orgs[org_id].slug, pool=pool)
            for org_id, pool in plan.unassigned
        ],
    )
