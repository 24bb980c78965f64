"""Limits on uploaded bodies, enforced before Django writes them to disk.

Django parses a multipart body (and streams files into temporary files) as soon as anything
reads ``request.POST`` — the CSRF middleware does, before any view or permission check. This
handler, first in FILE_UPLOAD_HANDLERS, therefore decides up front:

- a body whose declared length is over the cap is not parsed at all;
- files sent to the page upload by someone who may not upload for that organisation, or by an
  anonymous client anywhere, are dropped at their first byte (the other fields, e.g. a login
  form, are still read);
- otherwise it counts the file bytes as they arrive and drops the file past the cap.

The views then say why (``request.upload_too_large``). API calls authenticate before their
body is read, so they only need the cap.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from wg.permissions import can_submit_for

_PAGE_UPLOAD = "submissions:version-upload"


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
        if content_length > settings.SUBMISSION_MAX_UPLOAD_BYTES + 64 * 1024:
            self.request.upload_too_large = True
            return QueryDict(), MultiValueDict()
        if not self._may_upload():
            self.cap = 0
        return None

    def _may_upload(self) -> bool:
        request = self.request
        if request is None or request.path.startswith("/api/"):
            return True
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name == _PAGE_UPLOAD:
            from wg.models import Organization

            org = (
                Organization.objects.filter(slug=match.kwargs.get("org"))
                .values_list("pk", flat=True)
                .first()
            )
            return org is not None and can_submit_for(user, org)
        return True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.cap:
            if self.request is not None and self.cap:
                self.request.upload_too_large = True
            # Keep reading (and discarding) the body so the client gets a clear answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
