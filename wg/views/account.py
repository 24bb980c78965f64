"""A person's own pages: their roles, their notification preferences, unsubscribing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from core.errors import NotFound
from wg.forms import preferences_form
from wg.models import Membership, Person, RoleAssignment
from wg.notifications import kinds_configurable
from wg.notifications.preferences import (
    preference_set,
    preferences_for,
    unsubscribe,
    unsubscribe_preview,
)


def _person(request: HttpRequest) -> Person | None:
    return Person.objects.filter(user=request.user).first()


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    context = {"person": person}
    if person is not None:
        context["roles"] = RoleAssignment.objects.filter(person=person).select_related(
            "organization"
        )
        context["memberships"] = Membership.objects.filter(person=person).select_related(
            "organization"
        )
    return render(request, "wg/account.html", context)


@never_cache
@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    if person is None:
        return render(request, "wg/notification_preferences.html", {"person": None})
    kinds = kinds_configurable()
    form = preferences_form(kinds, preferences_for(person), request.POST or None)
    if request.method == "POST" and form.is_valid():
        for kind in kinds:
            preference_set(
                actor=request.user,
                person=person,
                kind=kind.code,
                delivery=form.cleaned_data[kind.code],
            )
        messages.success(request, "Your notification settings are saved.")
        return redirect("wg:notification-preferences")
    recent = person.notifications.order_by("-created_at")[:30]
    return render(
        request,
        "wg/notification_preferences.html",
        {"person": person, "form": form, "recent": recent},
    )


@csrf_exempt  # the signed token is the authority; mail clients POST here (RFC 8058 one-click)
@never_cache
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (mail scanners open links); POST turns the kind off."""
    if request.method == "POST":
        try:
            _person, label = unsubscribe(token=token)
        except NotFound:
            raise Http404("Not found") from None
        return render(request, "wg/unsubscribe.html", {"done": True, "label": label})
    preview = unsubscribe_preview(token=token)
    if preview is None:
        raise Http404("Not found")
    return render(request, "wg/unsubscribe.html", {"done": False, "label": preview[1]})
