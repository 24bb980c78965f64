"""The review on the round page: objections (filed, co-signed, withdrawn, acknowledged,
decided), a submitter's own result changes, and hyperparameter-borrowing declarations."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from roadmap.models import Round
from submissions import selectors
from submissions.forms import (
    BorrowingForm,
    DecisionForm,
    ObjectionForm,
    OnBehalfForm,
    ResultChangeForm,
)
from submissions.models import Objection
from submissions.services import own_results, review
from wg.models import Organization


def _back(round_: Round, anchor: str = "review") -> HttpResponse:
    return redirect(f"{round_.get_absolute_url()}#{anchor}")


def _attempt(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    try:
        action()
        messages.success(request, success)
    except DomainError as exc:
        messages.error(request, str(exc))


def _org(slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first() if slug else None


@login_required
@require_POST
def objection_create(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "An objection needs a text.")
        return _back(round_)
    against = get_object_or_404(Organization, slug=form.cleaned_data["against"])
    _attempt(
        request,
        lambda: review.objection_file(
            actor=request.user,
            round=round_,
            against=against,
            text=form.cleaned_data["text"],
            path=form.cleaned_data["path"],
            fix_required=form.cleaned_data["fix_required"],
        ),
        f"Objection against {against.name} filed.",
    )
    return _back(round_, "objections")


def _objection(request: HttpRequest, name: str, pk: int) -> tuple[Round, Objection]:
    round_ = selectors.round_get(name)
    return round_, selectors.objection_get(
        user=request.user, round=round_, pk=pk, now=timezone.now()
    )


@login_required
@require_POST
def objection_cosign(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    round_, objection = _objection(request, name, pk)
    form = OnBehalfForm(request.POST)
    org = _org(form.data.get("organization", ""))
    _attempt(
        request,
        lambda: review.objection_cosign(actor=request.user, objection=objection, on_behalf_of=org),
        "Your organisation co-signs the objection.",
    )
    return _back(round_, "objections")


@login_required
@require_POST
def objection_withdraw(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    round_, objection = _objection(request, name, pk)
    org = _org(request.POST.get("organization", ""))
    _attempt(
        request,
        lambda: review.objection_withdraw(
            actor=request.user, objection=objection, on_behalf_of=org
        ),
        "Your organisation's signature is removed.",
    )
    return _back(round_, "objections")


@login_required
@require_POST
def objection_acknowledge(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    round_, objection = _objection(request, name, pk)
    _attempt(
        request,
        lambda: review.objection_acknowledge(actor=request.user, objection=objection),
        "Acknowledged: the objection is marked fix_required and you may upload a fix.",
    )
    return _back(round_, "objections")


@login_required
@require_POST
def objection_decide(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    round_, objection = _objection(request, name, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose uphold or dismiss and record the decision.")
        return _back(round_, "objections")
    _attempt(
        request,
        lambda: review.objection_decide(
            actor=request.user, objection=objection, **form.cleaned_data
        ),
        "Decision recorded.",
    )
    return _back(round_, "objections")


@login_required
@require_POST
def result_change_create(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    form = ResultChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a result and what to do with it.")
        return _back(round_, "own-results")
    data = form.cleaned_data
    organization = get_object_or_404(Organization, slug=data["organization"])
    _attempt(
        request,
        lambda: own_results.result_change_request(
            actor=request.user,
            round=round_,
            organization=organization,
            system=data["system"],
            benchmark=data["benchmark"],
            kind=data["kind"],
        ),
        "Recorded; publication will apply it.",
    )
    return _back(round_, "own-results")


@login_required
@require_POST
def result_change_cancel(request: HttpRequest, name: str, pk: int) -> HttpResponse:
    round_ = selectors.round_get(name)
    change = selectors.result_change_get(user=request.user, round=round_, pk=pk, now=timezone.now())
    _attempt(
        request,
        lambda: own_results.result_change_cancel(actor=request.user, change=change),
        "Cancelled.",
    )
    return _back(round_, "own-results")


@login_required
@require_POST
def borrowing_create(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.round_get(name)
    form = BorrowingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Name the benchmark, the organisation borrowed from and what.")
        return _back(round_, "own-results")
    data = form.cleaned_data
    _attempt(
        request,
        lambda: own_results.borrowing_declare(
            actor=request.user,
            round=round_,
            organization=get_object_or_404(Organization, slug=data["organization"]),
            benchmark=data["benchmark"],
            system=data["system"],
            borrowed_from=get_object_or_404(Organization, slug=data["borrowed_from"]),
            description=data["description"],
        ),
        "Hyperparameter borrowing declared.",
    )
    return _back(round_, "own-results")
