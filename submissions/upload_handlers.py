"""Stops reading an upload once it passes the size cap, before it fills the disk.

Django streams file uploads into a temporary file before any view runs; this handler, first in
FILE_UPLOAD_HANDLERS, counts the bytes as they arrive and drops the file past the cap. The view
then tells the user why (``request.upload_too_large``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class CappedUploadHandler(FileUploadHandler):
    def __init__(self, request=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.SUBMISSION_MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            # Keep reading (and discarding) the body so the client gets a clear answer.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
