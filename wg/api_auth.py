"""API authentication: bearer tokens for scripts, the browser session for pages' own calls.

``auth_required`` refuses anonymous callers with 401; ``auth_optional`` lets them through
as anonymous so public endpoints filter by role like the pages do.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from wg.models import ApiToken
from wg.selectors import api_token_active


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = api_token_active(token)
        if row is None:
            # A wrong token is an error even on public endpoints: the script should know.
            raise HttpError(401, "Invalid or revoked API token.")
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class Anonymous:
    """Last in the chain: lets an unauthenticated caller in as AnonymousUser."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None
        request.user = AnonymousUser()
        return request.user


auth_required = [TokenAuth(), SessionAuth()]
auth_optional = [TokenAuth(), SessionAuth(), Anonymous()]
