"""The mailing list's archive (members), writing to the list and the outbox (chairs, staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import DomainError
from wg import selectors
from wg.forms import AnnouncementForm
from wg.models import Announcement, Notification, NotificationStatus
from wg.notifications.announcements import announcement_send
from wg.notifications.sending import notification_retry
from wg.permissions import can_manage_working_group, can_view_announcements


@login_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    if not can_view_announcements(request.user):
        raise Http404("Not found")
    rows = Announcement.objects.select_related("author", "notification")[:200]
    return render(
        request,
        "wg/announcement_list.html",
        {"announcements": rows, "may_write": can_manage_working_group(request.user)},
    )


@login_required
def announcement_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_working_group(request.user):
        raise Http404("Not found")
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            announcement_send(actor=request.user, **form.cleaned_data)
            messages.success(request, "The announcement is on its way to the mailing list.")
            return redirect("wg:announcement-list")
        except DomainError as exc:
            form.add_error(None, str(exc))
    return render(request, "wg/announcement_form.html", {"form": form})


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    if not can_manage_working_group(request.user):
        raise Http404("Not found")
    status = request.GET.get("status", "")
    if status not in NotificationStatus.values:
        status = ""
    return render(
        request,
        "wg/outbox.html",
        {
            "rows": selectors.outbox_list(status=status),
            "status": status,
            "statuses": NotificationStatus.choices,
        },
    )


@login_required
@require_POST
def notification_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_working_group(request.user):
        raise Http404("Not found")
    notification = get_object_or_404(Notification, pk=pk)
    try:
        notification_retry(actor=request.user, notification=notification)
        messages.success(request, f"The message to {notification.email} is queued again.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("wg:outbox")
