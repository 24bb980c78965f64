"""A round's rules: what is frozen (each section beside the exceptions that change it), what
changed since the freeze, the exceptions register; and the chairs' freeze and grant forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.errors import DomainError
from roadmap.models import Benchmark, RuleDocument
from roadmap.permissions import can_freeze_rules, can_grant_exception
from roadmap.rule_forms import ExceptionForm, FreezeForm
from roadmap.rule_inputs import decision_named
from roadmap.rulesets import rcp_set
from roadmap.selectors import catalogue
from roadmap.selectors import round_rules as selectors
from roadmap.services.rules import exceptions as exception_services
from roadmap.services.rules import freezes
from roadmap.views.base import found


@require_GET
def rules_round(request: HttpRequest, name: str) -> HttpResponse:
    round_ = found(lambda: catalogue.round_get(name))
    return render(
        request,
        "roadmap/rules_round.html",
        {
            "round": round_,
            "rules": selectors.round_rules(user=request.user, round=round_),
            "can_freeze": can_freeze_rules(request.user),
            "can_grant": can_grant_exception(request.user),
        },
    )


@require_GET
def rules_round_changes(request: HttpRequest, name: str) -> HttpResponse:
    round_ = found(lambda: catalogue.round_get(name))
    return render(
        request,
        "roadmap/rules_round_changes.html",
        {
            "round": round_,
            "freeze": selectors.round_freeze(round_),
            "documents": selectors.round_changes(user=request.user, round=round_),
            "view": "side" if request.GET.get("view") == "side" else "inline",
        },
    )


@require_GET
def rules_round_exceptions(request: HttpRequest, name: str) -> HttpResponse:
    round_ = found(lambda: catalogue.round_get(name))
    slug = request.GET.get("benchmark", "")
    benchmark = get_object_or_404(Benchmark, slug=slug) if slug else None
    return render(
        request,
        "roadmap/rules_exceptions.html",
        {
            "round": round_,
            "benchmark": benchmark,
            "benchmarks": catalogue.suite(round_),
            "exceptions": selectors.rule_exception_list(
                user=request.user, round=round_, benchmark=benchmark
            ),
            "can_grant": can_grant_exception(request.user),
        },
    )


@require_GET
def rules_benchmark_exceptions(request: HttpRequest, slug: str) -> HttpResponse:
    benchmark = found(lambda: catalogue.benchmark_get(slug))
    return render(
        request,
        "roadmap/rules_exceptions.html",
        {
            "round": None,
            "benchmark": benchmark,
            "exceptions": selectors.rule_exception_list(user=request.user, benchmark=benchmark),
        },
    )


@login_required
def rules_round_freeze(request: HttpRequest, name: str) -> HttpResponse:
    if not can_freeze_rules(request.user):
        raise Http404("Not found")
    round_ = found(lambda: catalogue.round_get(name))
    rules = selectors.round_rules(user=request.user, round=round_, with_sections=False)
    form = FreezeForm(request.POST or None, round=round_, rules=rules)
    if request.method == "POST" and form.is_valid():
        try:
            freezes.rule_freeze_create(
                actor=request.user,
                round=round_,
                ruleset=form.cleaned_data["ruleset"],
                revisions=form.revisions(),
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The rules of {round_.name} are frozen.")
            return redirect("roadmap:rules-round", round_.name)
    rcp = rcp_set(form["ruleset"].value() or round_.ruleset)
    context = {"round": round_, "rules": rules, "form": form, "rcp": rcp}
    return render(request, "roadmap/rules_freeze.html", context)


@login_required
def rules_exception_create(request: HttpRequest, name: str) -> HttpResponse:
    if not can_grant_exception(request.user):
        raise Http404("Not found")
    round_ = found(lambda: catalogue.round_get(name))
    rules = selectors.round_rules(user=request.user, round=round_)
    form = ExceptionForm(
        request.POST or None, round=round_, rules=rules, initial=request.GET.dict()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slug, anchor = data["section"]
        try:
            exception_services.rule_exception_grant(
                actor=request.user,
                round=round_,
                document=RuleDocument.objects.get(slug=slug),
                section_anchor=anchor,
                text=data["text"],
                benchmark=data["benchmark"],
                later_revision=data["later_revision"],
                requested_by=data["requested_by"],
                requested_on=data["requested_on"],
                decision=decision_named(data["decision"]),
                decision_text=data["decision_text"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The exception for {round_.name} is recorded.")
            url = reverse("roadmap:rules-round", args=[round_.name])
            return redirect(f"{url}#{slug}--{anchor}")
    context = {"round": round_, "rules": rules, "form": form}
    return render(request, "roadmap/rules_exception_form.html", context)
