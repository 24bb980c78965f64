"""What the roadmap's views share: turning a service's refusal into the right answer."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound, PermissionDenied
from core.timezones import wg_zone


def action(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """A POST that calls services: anonymous visitors are sent to log in, a refused
    permission is a 403 saying why, a missing object a 404, and a refused rule comes back as
    a message on the page the form was on. Times in forms are US Pacific."""

    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            with timezone.override(wg_zone()):
                return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc)) from None
        except PermissionDenied as exc:
            return HttpResponseForbidden(str(exc))
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(_back(request))

    return wrapper


def _back(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    host = request.get_host()
    # Only back to a page of this site.
    if referer.startswith(("http://" + host + "/", "https://" + host + "/")):
        return referer
    return request.path.rsplit("/", 2)[0] + "/"


def found(get: Callable[[], Any]) -> Any:
    """Run a selector, turning its NotFound into a 404."""
    try:
        return get()
    except NotFound as exc:
        raise Http404(str(exc)) from None


def form_errors(form: Any) -> str:
    parts = []
    for field, errors in form.errors.items():
        label = ""
        if field in form.fields:
            label = form.fields[field].label or field.replace("_", " ")
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return "; ".join(parts)


def cleaned(form: Any) -> dict[str, Any]:
    """The form's data, or a refusal naming the fields that are wrong."""
    if not form.is_valid():
        raise DomainError(form_errors(form))
    return form.cleaned_data
