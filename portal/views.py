from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from portal import dashboard
from portal.dashboard import landing_page
from portal.health import health_report
from portal.selectors import home_page
from roadmap.models import Round
from wg.models import JointSubmission, Organization
from wg.permissions import can_manage_round, can_manage_working_group, can_view_directory
from wg.selectors import organization_people
from wg.services import (
    joint_submission_record,
    round_registration_create,
    round_registration_delete,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    page = home_page(user=request.user, now=timezone.now())
    return render(request, "portal/home.html", {"page": page})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)


# --- The personal landing page, the chairs' round dashboard, organisations --------------------


@never_cache
@login_required
def landing(request: HttpRequest) -> HttpResponse:
    page = landing_page(user=request.user, now=timezone.now())
    return render(request, "portal/landing.html", {"page": page})


@never_cache
@login_required
def round_dashboard(request: HttpRequest, name: str) -> HttpResponse:
    if not can_manage_round(request.user):
        raise Http404("Not found")
    round_ = get_object_or_404(
        Round.objects.select_related("window").prefetch_related("window__extensions"), name=name
    )
    board = dashboard.round_dashboard(round=round_, now=timezone.now())
    return render(request, "portal/round_dashboard.html", {"board": board})


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "portal:landing")


@login_required
@require_POST
def registration_create(request: HttpRequest, name: str) -> HttpResponse:
    round_ = get_object_or_404(Round, name=name)
    org = get_object_or_404(Organization, slug=request.POST.get("organization", ""))
    try:
        round_registration_create(actor=request.user, round=round_, organization=org)
        messages.success(request, f"{org.name} is registered for {round_.name}.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return _back(request)


@login_required
@require_POST
def registration_delete(request: HttpRequest, name: str, org: str) -> HttpResponse:
    round_ = get_object_or_404(Round, name=name)
    organization = get_object_or_404(Organization, slug=org)
    try:
        round_registration_delete(actor=request.user, round=round_, organization=organization)
        messages.success(request, f"{organization.name} is no longer registered for {round_.name}.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return _back(request)


@login_required
@require_POST
def joint_submission_create(request: HttpRequest, name: str) -> HttpResponse:
    round_ = get_object_or_404(Round, name=name)
    first = get_object_or_404(Organization, slug=request.POST.get("first", ""))
    second = get_object_or_404(Organization, slug=request.POST.get("second", ""))
    try:
        joint_submission_record(
            actor=request.user,
            round=round_,
            organizations=(first, second),
            note=request.POST.get("note", ""),
        )
        messages.success(request, f"Joint submission of {first.name} and {second.name} recorded.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return _back(request)


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    if not can_view_directory(request.user):
        raise Http404("Not found")
    orgs = Organization.objects.filter(parent__isnull=True).prefetch_related("affiliates")
    return render(request, "portal/organization_list.html", {"organizations": orgs})


@login_required
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if not can_view_directory(request.user):
        raise Http404("Not found")
    org = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)
    joints = JointSubmission.objects.filter(Q(first=org) | Q(second=org)).select_related(
        "round", "first", "second"
    )
    context = {
        "organization": org,
        "people": organization_people(org),
        "affiliates": org.affiliates.order_by("name"),
        "joint_submissions": joints,
        "registrations": org.round_registrations.select_related("round"),
        "submissions": dashboard.organization_submissions(
            user=request.user, organization=org, now=timezone.now()
        ),
        "may_manage": can_manage_working_group(request.user),
    }
    return render(request, "portal/organization_detail.html", context)
