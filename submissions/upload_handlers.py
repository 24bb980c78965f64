"""Limits on uploaded bodies, enforced before Django writes them to disk.

Django parses a multipart body (and streams files into temporary files) as soon as anything
reads ``request.POST`` or ``request.FILES`` — the CSRF middleware for pages, django-ninja after
authentication for the API — before any view or permission check. This handler, first in
FILE_UPLOAD_HANDLERS, therefore decides up front:

- a body whose declared length is over the size cap is not parsed at all;
- on the package upload URLs (the page and the API), files are dropped at their first byte
  unless the caller may upload for the organisation in the URL (a token holder of another
  organisation spools nothing) and the declared length fits what is left of the
  organisation's quota for the round;
- files sent anywhere else by an anonymous client are dropped too (the other fields, e.g. a
  login form, are still read);
- otherwise it counts the file bytes as they arrive and drops the file past the cap.

The views then say why (``request.upload_refused`` = (HTTP status, message)).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from roadmap.models import Round
from submissions.selectors.rounds import quota_remaining
from submissions.services.intake import too_large_message
from wg.models import Organization
from wg.permissions import can_submit_for

UPLOAD_VIEWS = frozenset({"submissions:version-upload", "api:version-upload"})
# Multipart framing around the file: boundaries, headers, the CSRF field.
_SLACK = 64 * 1024


def _too_large(limit: int) -> tuple[int, str]:
    return 413, f"The package is larger than the limit of {limit:,} bytes; nothing was stored."


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.cap = settings.SUBMISSION_MAX_UPLOAD_BYTES

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict] | None:
        if content_length > settings.SUBMISSION_MAX_UPLOAD_BYTES + _SLACK:
            self._refuse(_too_large(settings.SUBMISSION_MAX_UPLOAD_BYTES))
            return QueryDict(), MultiValueDict()
        refusal = self._refusal(content_length)
        if refusal is not None:
            self.cap = 0
            self._refuse(refusal)
        return None

    def _refuse(self, refusal: tuple[int, str]) -> None:
        if self.request is not None:
            self.request.upload_refused = refusal

    def _refusal(self, content_length: int) -> tuple[int, str] | None:
        request = self.request
        if request is None:
            return None
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        if match is None or match.view_name not in UPLOAD_VIEWS:
            if authenticated or request.path.startswith("/api/"):
                return None
            return 403, "Log in to upload."
        if not authenticated:
            return 403, "Log in to upload."
        return _upload_refusal(user, match.kwargs, content_length)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.cap:
            if (
                self.request is not None
                and self.cap
                and not hasattr(self.request, "upload_refused")
            ):
                self._refuse(_too_large(self.cap))
            # Keep reading (and discarding) the body so the client gets a clear answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _upload_refusal(
    user: Any, kwargs: dict[str, Any], content_length: int
) -> tuple[int, str] | None:
    """Whether this user may send a package of this length to the organisation and round in
    the URL (the service checks everything again once the body is in)."""
    organization = Organization.objects.filter(slug=kwargs.get("org")).first()
    if organization is None:
        return 404, "No such organisation."
    if not can_submit_for(user, organization.pk):
        return 403, f"You are not a submitter for {organization.name}."
    round_ = Round.objects.filter(name=kwargs.get("name")).first()
    if round_ is None:
        return 404, "No such round."
    remaining = quota_remaining(round=round_, organization=organization)
    if content_length > remaining + _SLACK:
        return 413, too_large_message(round_, organization, remaining)
    return None
