"""Round pages: the window, uploads, versions with their validation, and the chairs' controls."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.timezones import format_wg_time
from roadmap.models import Round
from submissions import selectors, storage
from submissions.forms import UploadForm
from submissions.models import SubmissionVersion
from submissions.services import intake, processing
from wg.models import Organization
from wg.permissions import can_rerun_validation, can_submit_for


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.round_list(now=timezone.now())
    return render(request, "submissions/round_list.html", {"rows": rows})


@require_GET
def round_detail(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    overview = selectors.round_overview(user=request.user, round=round_, now=timezone.now())
    return render(
        request, "submissions/round_detail.html", {"o": overview, "upload_form": UploadForm()}
    )


@login_required
@require_POST
def version_upload(request: HttpRequest, name: str, org: str) -> HttpResponse:
    """Accepts the multipart upload (streamed to a temporary file by Django first)."""
    round_ = selectors.round_get(name)
    organization = get_object_or_404(Organization, slug=org)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not can_submit_for(request.user, organization.pk):
        # The upload handler has already dropped the file; say why before anything else.
        return _refused(
            request, round_, f"You are not a submitter for {organization.name}.", wants_json
        )
    # Reading the body runs the upload handler, which drops a file it refuses and says why.
    form = UploadForm(request.POST, request.FILES)
    refused = getattr(request, "upload_refused", None)
    if refused:
        return _refused(request, round_, refused[1], wants_json)
    if not form.is_valid():
        return _refused(request, round_, "Choose a package file to upload.", wants_json)
    package = form.cleaned_data["package"]
    try:
        version = intake.version_upload(
            actor=request.user,
            round=round_,
            organization=organization,
            stream=package,
            original_name=package.name,
        )
    except DomainError as exc:
        return _refused(request, round_, str(exc), wants_json)
    receipt = (
        f"Received {version.original_name} as version {version.number} at "
        f"{format_wg_time(version.received_at, seconds=True)} (server time)."
    )
    if wants_json:
        return JsonResponse(
            {"receipt": receipt, "url": version.get_absolute_url(), "number": version.number},
            status=201,
        )
    messages.success(request, receipt)
    return redirect(version.get_absolute_url())


def _refused(request: HttpRequest, round_: Round, message: str, wants_json: bool) -> HttpResponse:
    if wants_json:
        return JsonResponse({"error": message}, status=400)
    messages.error(request, message)
    return redirect(round_.get_absolute_url())


@require_GET
def submission_detail(request: HttpRequest, name: str, org: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    submission = selectors.submission_get_for_user(
        user=request.user, round=round_, org_slug=org, now=timezone.now()
    )
    review = selectors.review_overview(user=request.user, round=round_, now=timezone.now())
    return render(
        request,
        "submissions/submission_detail.html",
        {
            "round": round_,
            "submission": submission,
            "versions": selectors.versions_for_user(user=request.user, submission=submission),
            "objections": [
                view
                for view in review.objections
                if view.objection.against_id == submission.organization_id
            ],
        },
    )


def _version(request: HttpRequest, name: str, org: str, number: int) -> SubmissionVersion:
    round_ = selectors.round_get(name)
    return selectors.version_get_for_user(
        user=request.user, round=round_, org_slug=org, number=number, now=timezone.now()
    )


@require_GET
def version_detail(request: HttpRequest, name: str, org: str, number: int) -> HttpResponse:
    version = _version(request, name, org, number)
    return render(
        request,
        "submissions/version_detail.html",
        {
            "version": version,
            "progress": selectors.version_progress(version),
            "verdict": selectors.version_verdict(version),
            "groups": selectors.version_finding_groups(version),
            "scores": version.scores.all(),
            "files": version.files.all()[:2000],
            "can_revalidate": can_rerun_validation(request.user),
        },
    )


@login_required
@require_POST
def version_revalidate(request: HttpRequest, name: str, org: str, number: int) -> HttpResponse:
    version = _version(request, name, org, number)
    if not can_rerun_validation(request.user):
        raise PermissionDenied("Only the chairs can run a validation again.")
    try:
        processing.version_revalidate(actor=request.user, version_id=version.pk)
        messages.success(request, "The validation runs again.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(version.get_absolute_url())


@require_GET
def version_progress(request: HttpRequest, name: str, org: str, number: int) -> HttpResponse:
    """The live part of the version page, polled while validation runs."""
    version = _version(request, name, org, number)
    return render(
        request,
        "submissions/_progress.html",
        {"version": version, "progress": selectors.version_progress(version)},
    )


@require_GET
def version_file(request: HttpRequest, name: str, org: str, number: int, path: str) -> HttpResponse:
    version = _version(request, name, org, number)
    return file_response(version, path)


def file_response(version: SubmissionVersion, path: str) -> FileResponse:
    """Serve one stored file of a version as text (the caller has checked the embargo)."""
    row = version.files.filter(path=path).first()
    if row is None:
        raise Http404("No such file in this version")
    full = storage.tree_path(version.pk) / row.path
    if not full.is_file():
        raise Http404("This file is not kept any more")
    kind = mimetypes.guess_type(row.path)[0] or "text/plain"
    response = FileResponse(
        full.open("rb"),
        content_type="application/json"
        if kind == "application/json"
        else "text/plain; charset=utf-8",
    )
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
