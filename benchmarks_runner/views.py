"""Runner pages: runners, runs with live progress, benchmark histories, reproductions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from benchmarks_runner import catalogue, selectors
from benchmarks_runner.charts import accuracy_curve
from benchmarks_runner.forms import ModeForm, RunForm
from benchmarks_runner.services import hosts, runs
from core.errors import DomainError, NotFound, PermissionDenied
from wg.permissions import can_cancel_run, can_operate_runners, can_reproduce_results


def member_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in and a member; domain refusals become 403/404 like everywhere else."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            selectors.require_viewer(request.user)
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc)) from exc
        except PermissionDenied as exc:
            raise HttpForbidden(str(exc)) from exc

    return wrapped


@require_GET
@member_page
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "benchmarks_runner/index.html",
        {
            "benchmarks": catalogue.runnable_benchmarks().values(),
            "hosts": selectors.host_rows(),
            "runs": selectors.run_list(limit=50),
            "form": RunForm(),
            "can_operate": can_operate_runners(request.user),
            "can_reproduce": can_reproduce_results(request.user),
        },
    )


@require_POST
@member_page
def run_create(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect("benchmarks_runner:index")
    data = form.cleaned_data
    try:
        queued = runs.run_enqueue(
            actor=request.user,
            benchmark=data["benchmark"],
            hardware_class=data["hardware_class"] or "",
            host_name=data["host"] or "",
            wall_clock_limit_s=data["wall_clock_limit_s"],
            max_attempts=data["max_attempts"],
            count=data["count"],
            seed=data["seed"],
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("benchmarks_runner:index")
    if len(queued) == 1:
        return redirect(queued[0])
    messages.success(request, f"{len(queued)} runs queued.")
    return redirect("benchmarks_runner:benchmark-detail", data["benchmark"])


def _run_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    run = selectors.run_get(pk)
    now = timezone.now()
    spec = catalogue.runnable_get(run.benchmark)
    progress = run.progress or {}
    return {
        "run": run,
        "spec": spec,
        "warning": selectors.queue_warning(run, now),
        "reproduction": selectors.reproduction(run, request.user, now),
        "attempts": run.attempts.all(),
        "can_cancel": not run.is_final and can_cancel_run(request.user, run),
        "findings": (run.validation or {}).get("findings", []),
        "progress": progress,
        "percent": round(100 * progress["fraction"])
        if progress.get("fraction") is not None
        else None,
        "curve": accuracy_curve(
            progress.get("curve") or [],
            target=spec.quality.target if spec else None,
            higher_is_better=spec.quality.higher_is_better if spec else True,
            unit=spec.quality.unit if spec else "",
        ),
    }


@require_GET
@member_page
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "benchmarks_runner/run_detail.html", _run_context(request, pk))


@require_GET
@member_page
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "benchmarks_runner/_run_progress.html", _run_context(request, pk))


@require_GET
@member_page
def run_log(request: HttpRequest, pk: int) -> HttpResponse:
    data, complete = selectors.run_log(selectors.run_get(pk))
    response = HttpResponse(data, content_type="text/plain; charset=utf-8")
    response["X-Run-Log"] = "complete" if complete else "partial"
    return response


@require_POST
@member_page
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        run = runs.run_cancel(actor=request.user, run_id=pk)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("benchmarks_runner:run-detail", pk)
    messages.success(request, "Cancelled." if run.is_final else "Cancelling: the runner stops it.")
    return redirect(run)


@require_GET
@member_page
def host_detail(request: HttpRequest, name: str) -> HttpResponse:
    host = selectors.host_get(name)
    row = next(r for r in selectors.host_rows() if r.host.pk == host.pk)
    return render(
        request,
        "benchmarks_runner/host_detail.html",
        {
            "row": row,
            "host": host,
            "runs": host.runs.all()[:30],
            "can_operate": can_operate_runners(request.user),
        },
    )


@require_POST
@member_page
def host_mode(request: HttpRequest, name: str) -> HttpResponse:
    form = ModeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown mode.")
        return redirect("benchmarks_runner:host-detail", name)
    host = hosts.host_set_mode(actor=request.user, name=name, mode=form.cleaned_data["mode"])
    messages.success(request, f"{host.name} is now {host.get_mode_display().lower()}.")
    if request.POST.get("back") == "index":
        return redirect("benchmarks_runner:index")
    return redirect(host)


@require_GET
@member_page
def benchmark_detail(request: HttpRequest, slug: str) -> HttpResponse:
    spec = catalogue.runnable_get(slug)
    if spec is None:
        raise Http404("No such runnable benchmark.")
    return render(
        request,
        "benchmarks_runner/benchmark_detail.html",
        {"spec": spec, "lines": selectors.benchmark_history(slug)},
    )


@require_GET
@member_page
def reproduce_list(request: HttpRequest) -> HttpResponse:
    if not can_reproduce_results(request.user):
        raise HttpForbidden("Only the chairs reproduce submitted results.")
    benchmarks = {spec.reproduces for spec in catalogue.runnable_benchmarks().values()} - {""}
    return render(
        request,
        "benchmarks_runner/reproduce_list.html",
        {"scores": selectors.reproducible_scores(request.user, benchmarks)},
    )


@require_POST
@member_page
def reproduce(request: HttpRequest, score_id: int) -> HttpResponse:
    try:
        run = runs.run_reproduce(
            actor=request.user,
            score_id=score_id,
            hardware_class=request.POST.get("hardware_class", ""),
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("benchmarks_runner:reproduce-list")
    return redirect(run)
