"""REST API for rounds, submissions, validation reports, objections and published results
(the rest of the review is in ``submissions.api_review``).

The same selectors and services as the pages: an embargoed submission is a 404 here too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from core.errors import PermissionDenied
from roadmap.models import Round
from roadmap.selectors.round_rules import round_benchmark_versions
from submissions import selectors
from submissions.models import Objection, SubmissionVersion
from submissions.services import intake, publication, review
from wg.api_auth import auth_optional, auth_required
from wg.models import Organization
from wg.permissions import can_manage_round

router = Router(tags=["submissions"])


class WindowOut(Schema):
    opens_at: datetime
    deadline: datetime
    grace_minutes: int
    closes_at: datetime
    review_ends_at: datetime


class BenchmarkOut(Schema):
    slug: str
    task: str
    runs_required: int


class RoundOut(Schema):
    name: str
    ruleset: str
    submission_date: date | None
    published_at: datetime | None
    window: WindowOut | None
    benchmarks: list[BenchmarkOut]


class VersionOut(Schema):
    number: int
    organization: str
    status: str
    received_at: datetime
    original_name: str
    size_bytes: int
    sha256: str
    during_review: bool
    rejection: str


class ProgressOut(Schema):
    total: int
    done: int
    running: int
    final: bool


class VersionDetailOut(VersionOut):
    progress: ProgressOut
    report: dict[str, Any] | None


class ObjectionIn(Schema):
    against: str
    text: str
    path: str = ""
    fix_required: bool = False


class ObjectionOut(Schema):
    id: int
    filed_by: str
    signed_by: list[str]
    against: str
    path: str
    text: str
    fix_required: bool
    acknowledged: bool
    status: str
    decision: str


class PublishIn(Schema):
    confirm: str


class PublicationOut(Schema):
    round: str
    published: bool
    blockers: list[str]


class DecisionIn(Schema):
    status: str
    decision: str
    fix_allowed: bool | None = None


def _round_out(r: Round) -> RoundOut:
    window = getattr(r, "window", None)
    return RoundOut(
        name=r.name,
        ruleset=r.ruleset,
        submission_date=r.submission_date,
        published_at=r.published_at,
        window=WindowOut(
            opens_at=window.opens_at,
            deadline=window.deadline,
            grace_minutes=window.grace_minutes,
            closes_at=window.closes_at,
            review_ends_at=window.review_ends_at,
        )
        if window
        else None,
        benchmarks=[
            BenchmarkOut(
                slug=v.benchmark.slug, task=v.benchmark.task, runs_required=v.runs_required
            )
            for v in round_benchmark_versions(r)
        ],
    )


def _version_out(v: SubmissionVersion) -> dict[str, Any]:
    return {
        "number": v.number,
        "organization": v.submission.organization.slug,
        "status": v.status,
        "received_at": v.received_at,
        "original_name": v.original_name,
        "size_bytes": v.size_bytes,
        "sha256": v.sha256,
        "during_review": v.during_review,
        "rejection": v.rejection,
    }


def _objection_out(o: Objection) -> ObjectionOut:
    return ObjectionOut(
        id=o.pk,
        filed_by=o.filed_by.slug,
        signed_by=[
            s.organization.slug
            for s in o.signers.select_related("organization")
            if s.withdrawn_at is None
        ],
        against=o.against.slug,
        path=o.path,
        text=o.text,
        fix_required=o.fix_required,
        acknowledged=o.acknowledged_at is not None,
        status=o.status,
        decision=o.decision,
    )


@router.get("/rounds", response=list[RoundOut], auth=auth_optional)
def round_list(request: HttpRequest) -> list[RoundOut]:
    rounds = Round.objects.select_related("window").prefetch_related(
        "benchmark_versions__benchmark"
    )
    return [_round_out(r) for r in rounds]


@router.get("/rounds/{name}", response=RoundOut, auth=auth_optional)
def round_detail(request: HttpRequest, name: str) -> RoundOut:
    return _round_out(selectors.round_get(name))


@router.post(
    "/rounds/{name}/submissions/{org}/versions",
    response={201: VersionOut},
    auth=auth_required,
    url_name="version-upload",
)
def version_upload(
    request: HttpRequest, name: str, org: str, package: UploadedFile = File(...)
) -> Status:
    round_ = selectors.round_get(name)
    organization = get_object_or_404(Organization, slug=org)
    version = intake.version_upload(
        actor=request.user,
        round=round_,
        organization=organization,
        stream=package,
        original_name=package.name or "package",
    )
    return Status(201, _version_out(version))


@router.get(
    "/rounds/{name}/submissions/{org}/versions", response=list[VersionOut], auth=auth_required
)
def version_list(request: HttpRequest, name: str, org: str) -> list[dict]:
    round_ = selectors.round_get(name)
    submission = selectors.submission_get_for_user(
        user=request.user, round=round_, org_slug=org, now=timezone.now()
    )
    versions = selectors.versions_for_user(user=request.user, submission=submission)
    return [_version_out(v) for v in versions.select_related("submission__organization")]


@router.get(
    "/rounds/{name}/submissions/{org}/versions/{number}",
    response=VersionDetailOut,
    auth=auth_required,
)
def version_detail(request: HttpRequest, name: str, org: str, number: int) -> dict:
    round_ = selectors.round_get(name)
    version = selectors.version_get_for_user(
        user=request.user, round=round_, org_slug=org, number=number, now=timezone.now()
    )
    progress = selectors.version_progress(version)
    report = getattr(version, "report", None)
    return {
        **_version_out(version),
        "progress": {
            "total": progress.total,
            "done": progress.done,
            "running": progress.running,
            "final": progress.final,
        },
        "report": report.package_json if report and report.package_json else None,
    }


@router.get("/rounds/{name}/objections", response=list[ObjectionOut], auth=auth_required)
def objection_list(request: HttpRequest, name: str) -> list[ObjectionOut]:
    overview = selectors.review_overview(
        user=request.user, round=selectors.round_get(name), now=timezone.now()
    )
    return [_objection_out(view.objection) for view in overview.objections]


@router.post("/rounds/{name}/objections", response={201: ObjectionOut}, auth=auth_required)
def objection_create(request: HttpRequest, name: str, payload: ObjectionIn) -> Status:
    round_ = selectors.round_get(name)
    against = get_object_or_404(Organization, slug=payload.against)
    objection = review.objection_file(
        actor=request.user,
        round=round_,
        against=against,
        text=payload.text,
        path=payload.path,
        fix_required=payload.fix_required,
    )
    return Status(201, _objection_out(objection))


def _objection(request: HttpRequest, name: str, pk: int) -> Objection:
    return selectors.objection_get(
        user=request.user, round=selectors.round_get(name), pk=pk, now=timezone.now()
    )


def _on_behalf(slug: str) -> Organization | None:
    return get_object_or_404(Organization, slug=slug) if slug else None


@router.post("/rounds/{name}/objections/{pk}/cosign", response=ObjectionOut, auth=auth_required)
def objection_cosign(
    request: HttpRequest, name: str, pk: int, organization: str = ""
) -> ObjectionOut:
    """Add a "by <org>" tag (``organization``: which of yours, when you submit for several)."""
    objection = _objection(request, name, pk)
    review.objection_cosign(
        actor=request.user, objection=objection, on_behalf_of=_on_behalf(organization)
    )
    return _objection_out(objection)


@router.post("/rounds/{name}/objections/{pk}/withdraw", response=ObjectionOut, auth=auth_required)
def objection_withdraw(
    request: HttpRequest, name: str, pk: int, organization: str = ""
) -> ObjectionOut:
    """Remove your organisation's "by <org>" tag."""
    objection = review.objection_withdraw(
        actor=request.user,
        objection=_objection(request, name, pk),
        on_behalf_of=_on_behalf(organization),
    )
    return _objection_out(objection)


@router.post(
    "/rounds/{name}/objections/{pk}/acknowledge", response=ObjectionOut, auth=auth_required
)
def objection_acknowledge(request: HttpRequest, name: str, pk: int) -> ObjectionOut:
    return _objection_out(
        review.objection_acknowledge(actor=request.user, objection=_objection(request, name, pk))
    )


@router.post("/rounds/{name}/objections/{pk}/decision", response=ObjectionOut, auth=auth_required)
def objection_decide(request: HttpRequest, name: str, pk: int, payload: DecisionIn) -> ObjectionOut:
    return _objection_out(
        review.objection_decide(
            actor=request.user,
            objection=_objection(request, name, pk),
            status=payload.status,
            decision=payload.decision,
            fix_allowed=payload.fix_allowed,
        )
    )


@router.get("/rounds/{name}/publication", response=PublicationOut, auth=auth_required)
def publication_state(request: HttpRequest, name: str) -> PublicationOut:
    """What still stands in the way of publication (for the chairs)."""
    round_ = selectors.round_get(name)
    if not can_manage_round(request.user):
        raise PermissionDenied("Only the working-group chairs publish a round.")
    return PublicationOut(
        round=round_.name,
        published=round_.published_at is not None,
        blockers=[]
        if round_.published_at
        else selectors.publication_blockers(round_, now=timezone.now()),
    )


@router.post("/rounds/{name}/publish", response={200: dict}, auth=auth_required)
def round_publish(request: HttpRequest, name: str, payload: PublishIn) -> dict:
    """Publish the round; ``confirm`` repeats the round's name (it cannot be undone)."""
    count = publication.round_publish(
        actor=request.user, round=selectors.round_get(name), confirm=payload.confirm
    )
    return {"round": name, "results": count}


@router.get("/results/{name}", auth=auth_optional)
def results(
    request: HttpRequest,
    name: str,
    division: str = "",
    category: str = "",
    organization: str = "",
) -> dict:
    """One row per system with the official tables' columns; ``category`` is available,
    preview or research."""
    round_ = selectors.published_round_get(name)
    return selectors.results_document(
        round=round_,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        division=division,
        category=category,
        organization=organization,
    )
