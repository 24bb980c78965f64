"""What a chair sends to the rules pages and API, turned into what the services take: a
decision named by its reference, an uploaded file read within the size limit. A bad value is a
refusal that says what was wrong (a 400, or a message on the form), not a 404."""

from __future__ import annotations

from typing import Any

from core.errors import DomainError, NotFound
from roadmap.models import Decision
from roadmap.rules import MAX_SOURCE_BYTES
from roadmap.selectors.decisions import decision_get


def decision_named(reference: str | None) -> Decision | None:
    """The decision a form names by its reference (None when the field is empty)."""
    reference = (reference or "").strip().upper()
    if not reference:
        return None
    try:
        return decision_get(reference)
    except NotFound:
        raise DomainError(
            f"There is no decision {reference} (decisions read like D-2026-004)."
        ) from None


def read_upload(upload: Any) -> bytes:
    """The bytes of an uploaded rule document, refused before reading when it is too large."""
    if upload.size > MAX_SOURCE_BYTES:
        raise DomainError(
            f"{upload.name} is {upload.size:,} bytes; a rule document may have "
            f"{MAX_SOURCE_BYTES:,}."
        )
    return upload.read()
