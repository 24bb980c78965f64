"""Public results of published rounds: tables, exports, system pages, logs, a benchmark across
rounds, and charts."""

from __future__ import annotations

import csv
from io import StringIO

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from submissions import selectors
from submissions.charts import bar_chart
from submissions.forms import ResultsFilterForm
from submissions.views.rounds import file_response


@require_GET
def results_index(request: HttpRequest) -> HttpResponse:
    rounds = list(selectors.published_rounds())
    histories = [
        (b, bar_chart(selectors.score_history(b), unit="min", keep_order=True))
        for b in selectors.published_benchmarks()
    ]
    return render(
        request, "submissions/results_index.html", {"rounds": rounds, "histories": histories}
    )


def _filters(request: HttpRequest) -> tuple[ResultsFilterForm, dict[str, str]]:
    form = ResultsFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = {k: data.get(k, "") for k in ("division", "category", "organization")}
    filters["sort"] = data.get("sort", "") or "id"
    return form, filters


@require_GET
def results_round(request: HttpRequest, name: str) -> HttpResponse:
    round_ = selectors.published_round_get(name)
    form, filters = _filters(request)
    benchmarks, rows = selectors.results_table(round=round_, **filters)
    charts = [
        (
            b,
            bar_chart(
                [(f"{r.organization.name} {r.row.system_name}", r.scores[b]) for r in rows
                 if b in r.scores],
                unit="min",
            ),
        )
        for b in benchmarks
    ]  # fmt: skip
    query = request.GET.copy()
    query.pop("sort", None)
    _all, everything = selectors.results_table(round=round_)
    return render(
        request,
        "submissions/results_round.html",
        {
            "round": round_,
            "form": form,
            "benchmarks": benchmarks,
            "rows": rows,
            "charts": charts,
            "query": query.urlencode(),
            "organizations": sorted(
                {(r.organization.slug, r.organization.name) for r in everything},
                key=lambda item: item[1].lower(),
            ),
        },
    )


@require_GET
def results_export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json"):
        raise Http404("Exports are .csv or .json")
    round_ = selectors.published_round_get(name)
    _form, filters = _filters(request)
    document = selectors.results_document(
        round=round_, base_url=request.build_absolute_uri("/").rstrip("/"), **filters
    )
    if fmt == "json":
        return JsonResponse(document)
    columns = [*selectors.EXPORT_COLUMNS]
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns + document["benchmarks"] + ["logs_url", "details_url"])
    for record in document["results"]:
        writer.writerow(
            [_cell(record[c]) for c in columns]
            + [record["scores"].get(b) for b in document["benchmarks"]]
            + [_cell(record["logs_url"]), _cell(record["details_url"])]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mlperf-training-{round_.name}.csv"'
    return response


def _cell(value: object) -> object:
    """Text from submitters' system descriptions must not run as a spreadsheet formula: a cell
    starting with =, +, -, @ or a control character gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        return "'" + value
    return value


@require_GET
def results_system(request: HttpRequest, name: str, org: str, system: str) -> HttpResponse:
    round_ = selectors.published_round_get(name)
    detail = selectors.published_system_detail(round=round_, org_slug=org, system=system)
    return render(request, "submissions/results_system.html", {"round": round_, "d": detail})


@require_GET
def results_file(request: HttpRequest, name: str, org: str, system: str, path: str) -> HttpResponse:
    """A log or the system description of a published result (never a file of a result that
    was not published, e.g. one an upheld objection removed)."""
    round_ = selectors.published_round_get(name)
    version = selectors.published_file_version(round=round_, org_slug=org, system=system, path=path)
    if version is None:
        raise Http404("Not a file of this published system")
    return file_response(version, path)


@require_GET
def results_benchmark(request: HttpRequest, benchmark: str) -> HttpResponse:
    """One benchmark across every published round: each round's results, fastest first."""
    rounds = selectors.benchmark_across_rounds(benchmark)
    chart = bar_chart(selectors.score_history(benchmark), unit="min", keep_order=True)
    return render(
        request,
        "submissions/results_benchmark.html",
        {"benchmark": benchmark, "rounds": rounds, "chart": chart},
    )
