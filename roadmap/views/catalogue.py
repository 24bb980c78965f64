"""Public pages: the roadmap, the current suite, a benchmark's history, two rounds compared."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from roadmap.permissions import can_plan_rounds
from roadmap.selectors import catalogue, schedule
from roadmap.views.base import found


@require_GET
def roadmap_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "roadmap/roadmap_home.html",
        {
            "o": schedule.roadmap_overview(now=now),
            "now": now,
            "can_plan": can_plan_rounds(request.user),
        },
    )


@require_GET
def suite(request: HttpRequest) -> HttpResponse:
    current = catalogue.current_round()
    return render(
        request,
        "roadmap/suite_detail.html",
        {"round": current, "suite": catalogue.suite(current) if current else []},
    )


@require_GET
def benchmark_detail(request: HttpRequest, slug: str) -> HttpResponse:
    benchmark = found(lambda: catalogue.benchmark_get(slug))
    return render(
        request,
        "roadmap/benchmark_detail.html",
        {"benchmark": benchmark, "history": catalogue.benchmark_history(benchmark)},
    )


@require_GET
def round_compare(request: HttpRequest) -> HttpResponse:
    rounds = catalogue.rounds_in_order()
    names = [r.name for r in rounds]
    a = request.GET.get("a") or (names[-2] if len(names) > 1 else "")
    b = request.GET.get("b") or (names[-1] if names else "")
    comparison = None
    if a and b:
        comparison = catalogue.round_compare(
            found(lambda: catalogue.round_get(a)), found(lambda: catalogue.round_get(b))
        )
    return render(
        request,
        "roadmap/round_compare.html",
        {"rounds": rounds, "a": a, "b": b, "c": comparison},
    )
