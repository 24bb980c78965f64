"""Decisions: a public register, filterable, one citable page each."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from roadmap.models import DecisionMethod, DecisionOutcome, Round
from roadmap.selectors.decisions import decision_get, decision_list
from roadmap.views.base import found

FILTERS = ("method", "outcome", "round", "year", "q")


@require_GET
def decision_index(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    return render(
        request,
        "roadmap/decision_list.html",
        {
            "decisions": decision_list(filters=filters)[:500],
            "filters": filters,
            "methods": DecisionMethod.choices,
            "outcomes": DecisionOutcome.choices,
            "rounds": Round.objects.order_by("-name").values_list("name", flat=True),
        },
    )


@require_GET
def decision_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render(
        request, "roadmap/decision_detail.html", {"d": found(lambda: decision_get(reference))}
    )
