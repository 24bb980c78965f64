"""The one error an archive is refused with, and the translation of parser failures into it."""

from __future__ import annotations

import contextlib
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator

CORRUPT = "archive is truncated or corrupt"


class UnpackError(Exception):
    """The archive was refused.

    ``entry`` names the offending member, escaped so that it is safe to log or show (invalid
    bytes appear as ``\\xff``, control characters as ``\\n`` or ``\\u202e``); it is None when the
    problem is not tied to one member.
    """

    def __init__(self, reason: str, entry: str | None = None) -> None:
        # Both go into args so the exception survives pickling with its entry intact.
        super().__init__(reason, entry)
        self.reason = reason
        self.entry = entry

    def __str__(self) -> str:
        return self.reason if self.entry is None else f"{self.entry}: {self.reason}"


# Parsers of hostile bytes fail in many ways (struct.error and ValueError from bad header
# fields, zlib.error, EOFError, NotImplementedError for exotic features...); to the submitter
# they all mean the same thing.
_PARSER_ERRORS = (
    tarfile.TarError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    zlib.error,
    ValueError,
    struct.error,
    OverflowError,
    NotImplementedError,
)


@contextlib.contextmanager
def parsing(entry: str | None) -> Iterator[None]:
    try:
        yield
    except _PARSER_ERRORS as error:
        raise UnpackError(CORRUPT, entry) from error
