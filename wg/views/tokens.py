"""The signed-in user's own page: API tokens for scripts and CI."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wg.models import ApiToken
from wg.services import api_token_create, api_token_revoke


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "wg/token_list.html", {"tokens": tokens})


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:100] or "token"
    token, raw = api_token_create(actor=request.user, user=request.user, name=name)
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    # The secret is shown once, in this response, and never stored.
    return render(
        request, "wg/token_list.html", {"tokens": tokens, "new_token": raw, "new_name": token.name}
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("wg:token-list")
