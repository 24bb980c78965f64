"""Round pages: the window, uploads, versions with their validation, and the chairs' controls."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.timezones import wg_zone
from roadmap.models import Round
from submissions import selectors, storage
from submissions.forms import ExtensionForm, UploadForm, WindowForm
from submissions.services import intake, processing, windows
from wg.models import Organization
from wg.permissions import can_manage_round, can_rerun_validation, can_submit_for


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rounds = (
        Round.objects.select_related("window")
        .prefetch_related("window__extensions")
        .order_by("-name")
    )
    rows = [
        (
            r,
            windows.window_state(r.window, organization_id=None, now=now).phase
            if hasattr(r, "window")
            else None,
        )
        for r in rounds
    ]
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
    form = UploadForm(request.POST, request.FILES)
    if getattr(request, "upload_too_large", False):
        limit = settings.SUBMISSION_MAX_UPLOAD_BYTES
        return _refused(
            request,
            round_,
            f"The package is larger than the limit of {limit:,} bytes; nothing was stored.",
            wants_json,
        )
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
    receipt = f"Received {version.original_name} as version {version.number} at {version.received_at:%Y-%m-%d %H:%M:%S} UTC (server time)."
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
    versions = submission.versions.select_related("report", "uploaded_by").order_by("-number")
    return render(
        request,
        "submissions/submission_detail.html",
        {
            "round": round_,
            "submission": submission,
            "versions": versions,
            "objections": round_.objections.filter(against=submission.organization).select_related(
                "filed_by"
            ),
        },
    )


def _version(request: HttpRequest, name: str, org: str, number: int):
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
            "findings": selectors.version_findings(version)[:500],
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


def file_response(version, path: str) -> FileResponse:
    """Serve one stored file of a version as text (the caller has checked the embargo)."""
    row = version.files.filter(path=path).first()
    if row is None:
        raise Http404("No such file in this version")
    full = storage.tree_path(version.pk) / row.path
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


@login_required
def round_manage(request: HttpRequest, name: str) -> HttpResponse:
    """The chairs' page: plan the window, grant extensions, publish."""
    if not can_manage_round(request.user):
        raise Http404("Not found")
    round_ = selectors.round_get(name)
    with timezone.override(wg_zone()):
        window = getattr(round_, "window", None)
        initial = (
            {
                "opens_at": window.opens_at,
                "deadline": window.deadline,
                "review_ends_at": window.review_ends_at,
                "grace_minutes": window.grace_minutes,
            }
            if window
            else {}
        )
        window_form = WindowForm(
            request.POST if "save_window" in request.POST else None, initial=initial
        )
        extension_form = ExtensionForm(request.POST if "grant_extension" in request.POST else None)
        if request.method == "POST":
            try:
                if "save_window" in request.POST and window_form.is_valid():
                    windows.window_save(
                        actor=request.user, round=round_, **window_form.cleaned_data
                    )
                    messages.success(request, "The submission window is saved.")
                    return redirect("submissions:round-manage", name=name)
                if "grant_extension" in request.POST and extension_form.is_valid():
                    data = extension_form.cleaned_data
                    org = get_object_or_404(Organization, slug=data["organization"])
                    windows.extension_grant(
                        actor=request.user,
                        window=round_.window,
                        organization=org,
                        until=data["until"],
                        reason=data["reason"],
                    )
                    messages.success(request, f"Extension granted to {org.name}.")
                    return redirect("submissions:round-manage", name=name)
            except DomainError as exc:
                messages.error(request, str(exc))
        overview = selectors.round_overview(user=request.user, round=round_, now=timezone.now())
        return render(
            request,
            "submissions/round_manage.html",
            {
                "o": overview,
                "window_form": window_form,
                "extension_form": extension_form,
                "organizations": Organization.objects.order_by("name"),
            },
        )
