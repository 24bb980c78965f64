"""The chairs' pages: the window and extensions, publication (with its confirmation), and the
review chair's assignments and joint partners."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.timezones import wg_zone
from roadmap.models import Round
from submissions import selectors
from submissions.forms import AssignmentForm, ExtensionForm, PartnerForm, PublishForm, WindowForm
from submissions.models import ReviewAssignment, Submission
from submissions.policy import can_manage_review
from submissions.services import assignments, publication, windows
from wg.models import Organization
from wg.permissions import can_manage_round


@login_required
def round_manage(request: HttpRequest, name: str) -> HttpResponse:
    """The chairs' page: plan the window, grant extensions, see what blocks publication."""
    if not can_manage_round(request.user):
        raise Http404("Not found")
    round_ = selectors.round_get(name)
    with timezone.override(wg_zone()):
        window_form, extension_form = _manage_forms(request, round_)
        if request.method == "POST":
            try:
                if _save_manage_forms(request, round_, window_form, extension_form):
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
                "publish_form": PublishForm(),
                "organizations": Organization.objects.order_by("name"),
            },
        )


def _manage_forms(request: HttpRequest, round_: Round) -> tuple[WindowForm, ExtensionForm]:
    window = getattr(round_, "window", None)
    fields = ("opens_at", "deadline", "grace_minutes", "objections_due_at",
              "hyperparameters_due_at", "review_ends_at")  # fmt: skip
    initial = {f: getattr(window, f) for f in fields} if window else {}
    window_form = WindowForm(
        request.POST if "save_window" in request.POST else None, initial=initial
    )
    extension_form = ExtensionForm(request.POST if "grant_extension" in request.POST else None)
    return window_form, extension_form


def _save_manage_forms(
    request: HttpRequest, round_: Round, window_form: WindowForm, extension_form: ExtensionForm
) -> bool:
    if "save_window" in request.POST and window_form.is_valid():
        windows.window_save(actor=request.user, round=round_, **window_form.cleaned_data)
        messages.success(request, "The submission window is saved.")
        return True
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
        return True
    return False


@login_required
@require_POST
def round_publish(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    try:
        count = publication.round_publish(
            actor=request.user, round=round_, confirm=request.POST.get("confirm", "")
        )
        messages.success(request, f"{round_.name} is published with {count} results.")
        return redirect("submissions:results-round", name=name)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("submissions:round-manage", name=name)


# --- The review chair -------------------------------------------------------------------------


def _review_round(request: HttpRequest, name: str) -> Round:
    round_ = selectors.round_get(name)
    if not can_manage_review(request.user, round_):
        raise Http404("Not found")
    return round_


@login_required
@require_POST
def assignments_compute(request: HttpRequest, name: str) -> HttpResponse:
    round_ = _review_round(request, name)
    try:
        plan = assignments.review_assignments_compute(actor=request.user, round=round_)
        messages.success(request, f"{len(plan.pairs)} review assignments computed.")
        if plan.unassigned:
            orgs = dict(Organization.objects.values_list("pk", "name"))
            alone = ", ".join(orgs.get(org_id, "?") for org_id, _pool in plan.unassigned)
            messages.warning(
                request, f"No peer can review {alone}: assign a volunteer or the chairs."
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(round_.get_absolute_url() + "#assignments")


@login_required
@require_POST
def assignment_add(request: HttpRequest, name: str) -> HttpResponse:
    round_ = _review_round(request, name)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            assignments.review_assignment_add(
                actor=request.user,
                round=round_,
                reviewer=get_object_or_404(Organization, slug=form.cleaned_data["reviewer"]),
                reviewee=get_object_or_404(Organization, slug=form.cleaned_data["reviewee"]),
                note=form.cleaned_data["note"],
            )
            messages.success(request, "Assignment added.")
        except DomainError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "Choose a reviewer and an organisation to review.")
    return redirect(round_.get_absolute_url() + "#assignments")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    round_ = _review_round(request, name)
    assignment = get_object_or_404(ReviewAssignment, pk=pk, round=round_)
    try:
        assignments.review_assignment_remove(actor=request.user, assignment=assignment)
        messages.success(request, "Assignment removed.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(round_.get_absolute_url() + "#assignments")


@login_required
@require_POST
def partner_add(request: HttpRequest, name: str) -> HttpResponse:
    round_ = _review_round(request, name)
    form = PartnerForm(request.POST)
    if form.is_valid():
        submission = get_object_or_404(
            Submission, round=round_, organization__slug=form.cleaned_data["submission"]
        )
        partner = get_object_or_404(Organization, slug=form.cleaned_data["partner"])
        try:
            assignments.submission_partner_add(
                actor=request.user, submission=submission, organization=partner
            )
            messages.success(request, f"{partner.name} is recorded as a joint partner.")
        except DomainError as exc:
            messages.error(request, str(exc))
    return redirect(round_.get_absolute_url() + "#assignments")
