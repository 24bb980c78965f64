"""The chairs' and staff's pages: members, a person's roles, organisations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from wg import selectors, services
from wg.forms import InvitationForm, OrganizationForm, RoleEndForm, RoleGrantForm
from wg.models import Organization, Person, RoleAssignment
from wg.permissions import can_grant_role, can_manage_working_group


def _require_manager(request: HttpRequest) -> None:
    # Like the round's manage page: the page's existence is no secret, but a 404 tells an
    # outsider nothing about who is a member.
    if not can_manage_working_group(request.user):
        raise Http404("Not found")


@login_required
def members(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return render(
        request,
        "wg/members.html",
        {"page": selectors.members_page(), "invite_form": InvitationForm()},
    )


@login_required
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request)
    person = get_object_or_404(Person.objects.select_related("user"), slug=slug)
    return render(
        request,
        "wg/person_detail.html",
        {
            "page": selectors.person_page(person),
            "grant_form": RoleGrantForm(),
            "end_form": RoleEndForm(),
            "may_grant": can_grant_role(request.user, person),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def role_grant(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request)
    person = get_object_or_404(Person, slug=slug)
    form = RoleGrantForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Check the form: {form.errors.as_text()}")
        return redirect("wg:person-detail", slug=slug)
    try:
        row = services.role_grant(actor=request.user, person=person, **form.cleaned_data)
        messages.success(request, f"{person.full_name} is now {row.get_role_display()}.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("wg:person-detail", slug=slug)


@login_required
@require_POST
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    row = get_object_or_404(RoleAssignment.objects.select_related("person"), pk=pk)
    form = RoleEndForm(request.POST)
    if form.is_valid():
        try:
            services.role_revoke(actor=request.user, assignment=row, **form.cleaned_data)
            messages.success(request, f"{row.get_role_display()} of {row.person} ended.")
        except DomainError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, f"Check the form: {form.errors.as_text()}")
    return redirect("wg:person-detail", slug=row.person.slug)


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{org.name} added.")
            return redirect("wg:members")
        except DomainError as exc:
            form.add_error(None, str(exc))
    return render(request, "wg/organization_form.html", {"form": form, "organization": None})


@login_required
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request)
    org = get_object_or_404(Organization, slug=slug)
    initial = {"name": org.name, "parent": org.parent, "website": org.website}
    form = OrganizationForm(request.POST or None, initial=initial)
    form.fields["parent"].queryset = Organization.objects.exclude(pk=org.pk).order_by("name")
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, organization=org, **form.cleaned_data)
            messages.success(request, f"{form.cleaned_data['name']} saved.")
            return redirect("wg:members")
        except DomainError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "wg/organization_form.html",
        {"form": form, "organization": org, "people": selectors.organization_people(org)},
    )
