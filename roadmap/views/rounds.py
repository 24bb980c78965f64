"""A round's schedule, and the chairs' planning: new rounds, milestones, phases."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from core.errors import DomainError
from core.timezones import wg_zone
from roadmap.forms import MilestoneForm, RoundForm, RoundRescheduleForm, RoundTransitionForm
from roadmap.models import Milestone
from roadmap.permissions import can_plan_rounds
from roadmap.selectors import catalogue, proposals, schedule
from roadmap.selectors.decisions import decision_list
from roadmap.services import rounds as services
from roadmap.views.base import action, cleaned, found


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "roadmap/round_list.html",
        {
            "rounds": list(reversed(catalogue.rounds_in_order())),
            "can_plan": can_plan_rounds(request.user),
        },
    )


@require_GET
def round_detail(request: HttpRequest, name: str) -> HttpResponse:
    round_ = found(lambda: catalogue.round_get(name))
    now = timezone.now()
    with timezone.override(wg_zone()):
        return render(
            request,
            "roadmap/round_detail.html",
            {
                "round": round_,
                "summary": schedule.round_summary(round_, now=now),
                "milestones": round_.milestones.select_related("owner_person"),
                "now": now,
                "proposals": proposals.proposal_list(user=request.user, filters={"round": name}),
                "decisions": decision_list(filters={"round": name}),
                "can_plan": can_plan_rounds(request.user) and round_.is_active,
                "moves": schedule.round_phase_moves(round_),
                "reschedule_form": RoundRescheduleForm.for_round(round_),
            },
        )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    if not can_plan_rounds(request.user):
        raise Http404("Not found")
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{round_.name} is planned, with its milestones.")
            return redirect(round_.get_roadmap_url())
    return render(request, "roadmap/round_form.html", {"form": form})


@action
def round_transition(request: HttpRequest, name: str) -> HttpResponse:
    round_ = found(lambda: catalogue.round_get(name))
    services.round_transition(
        actor=request.user, round=round_, **cleaned(RoundTransitionForm(request.POST))
    )
    messages.success(request, f"{round_.name} is now: {round_.get_status_display().lower()}.")
    return redirect(round_.get_roadmap_url())


@action
def round_reschedule(request: HttpRequest, name: str) -> HttpResponse:
    round_ = found(lambda: catalogue.round_get(name))
    services.round_reschedule(
        actor=request.user, round=round_, **cleaned(RoundRescheduleForm(request.POST))
    )
    messages.success(
        request,
        f"{round_.name} now submits on {date_format(round_.submission_date, 'D j M Y')}; "
        "its planned milestones moved with it.",
    )
    return redirect(round_.get_roadmap_url())


@action
def milestone_edit(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone, pk=pk, round__name=name)
    status = request.POST.get("status")
    if status:
        services.milestone_transition(actor=request.user, milestone=milestone, to=status)
    else:
        services.milestone_update(
            actor=request.user, milestone=milestone, **cleaned(MilestoneForm(request.POST))
        )
    messages.success(request, f"“{milestone.title}” is saved.")
    return redirect(milestone.round.get_roadmap_url() + f"#milestone-{milestone.pk}")
