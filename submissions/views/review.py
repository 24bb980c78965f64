"""Objections during review, their decisions, and publication."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.errors import DomainError
from submissions import selectors
from submissions.forms import DecisionForm, ObjectionForm
from submissions.models import Objection
from submissions.services import review
from wg.models import Organization


@login_required
@require_POST
def objection_create(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "An objection needs a text.")
        return redirect(round_.get_absolute_url())
    against = get_object_or_404(Organization, slug=form.cleaned_data["against"])
    try:
        review.objection_file(
            actor=request.user,
            round=round_,
            against=against,
            text=form.cleaned_data["text"],
            path=form.cleaned_data["path"],
            fix_required=form.cleaned_data["fix_required"],
        )
        messages.success(request, f"Objection against {against.name} filed.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(round_.get_absolute_url())


@login_required
@require_POST
def objection_decide(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    round_ = selectors.round_get(name)
    objection = get_object_or_404(Objection, pk=pk, round=round_)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose uphold or dismiss and record the decision.")
        return redirect(round_.get_absolute_url())
    try:
        review.objection_decide(actor=request.user, objection=objection, **form.cleaned_data)
        messages.success(request, "Decision recorded.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(round_.get_absolute_url())


@login_required
@require_POST
def round_publish(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    try:
        count = review.round_publish(actor=request.user, round=round_)
        messages.success(request, f"{round_.name} is published with {count} results.")
        return redirect("submissions:results-round", name=name)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("submissions:round-manage", name=name)
