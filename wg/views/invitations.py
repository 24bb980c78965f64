"""Inviting people (chairs and staff) and accepting an invitation (anyone with the link)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import DomainError, NotFound, PermissionDenied
from wg import services
from wg.forms import AcceptForm, InvitationForm
from wg.models import Invitation, Person
from wg.permissions import can_manage_working_group
from wg.services.invitations import account_for, person_with_email


@login_required
def invitation_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_working_group(request.user):
        raise Http404("Not found")
    person = Person.objects.filter(slug=request.GET.get("person", "")).first()
    initial = (
        {"full_name": person.full_name, "email": person.primary_email, "person": person.slug}
        if person
        else {}
    )
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["person"] = Person.objects.filter(slug=data.pop("person") or "").first()
        try:
            invitation = services.invitation_create(actor=request.user, **data)
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("wg:members")
        except DomainError as exc:
            form.add_error(None, str(exc))
    return render(request, "wg/invitation_form.html", {"form": form, "person": person})


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_working_group(request.user):
        raise Http404("Not found")
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
        messages.success(request, f"The invitation of {invitation.email} is revoked.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("wg:members")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_working_group(request.user):
        raise Http404("Not found")
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_resend(actor=request.user, invitation=invitation)
        messages.success(request, f"A new link was sent to {invitation.email}.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("wg:members")


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Expired, used, revoked and made-up links all get the site's plain 404."""
    try:
        invitation = services.invitation_get_open(token)
    except NotFound:
        raise Http404("Not found") from None
    person = invitation.person or person_with_email(invitation.email)
    account = account_for(invitation.email, person)
    form = AcceptForm(request.POST or None, initial={"full_name": invitation.full_name})
    if request.method == "POST" and (account is not None or form.is_valid()):
        data = form.cleaned_data if account is None else {}
        try:
            user, notes = services.invitation_accept(
                token=token,
                user=request.user,
                password=data.get("password1", ""),
                full_name=data.get("full_name", ""),
            )
        except NotFound:
            raise Http404("Not found") from None
        except (DomainError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to the MLPerf Training working group.")
            for note in notes:
                messages.warning(request, note)
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "wg/invitation_accept.html",
        {"invitation": invitation, "form": form, "account": account},
    )
