from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.health import health_report
from portal.selectors import home_page


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    page = home_page(user=request.user, now=timezone.now())
    return render(request, "portal/home.html", {"page": page})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
