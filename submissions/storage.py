"""Where packages live on disk: a private store under SUBMISSIONS_ROOT, never served by URL.

An upload is first spooled into ``incoming/``; only an accepted one moves into ``archives/``,
stored by content hash (an identical re-upload shares the bytes, and nothing is ever
overwritten). Each version is unpacked into a folder of its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from submissions.errors import UploadRefused

_CHUNK = 1024 * 1024


def root() -> Path:
    return Path(settings.SUBMISSIONS_ROOT)


def archive_path(sha256: str) -> Path:
    return root() / "archives" / sha256[:2] / sha256


def tree_path(version_id: int) -> Path:
    return root() / "trees" / str(version_id)


@dataclass(frozen=True)
class StoredArchive:
    path: Path
    sha256: str
    size: int
    created: bool = False
    """Whether this store put the bytes there (False: an identical archive was there)."""


@dataclass(frozen=True)
class SpooledUpload:
    """An upload received into a private temporary file, not yet accepted into the store."""

    path: Path
    sha256: str
    size: int


class UploadTooLarge(UploadRefused):
    pass


def spool_upload(stream: BinaryIO, *, max_bytes: int, too_large: str = "") -> SpooledUpload:
    """Copy an upload into a temporary file in chunks, hashing as it goes; refuse it past
    ``max_bytes`` (saying ``too_large``, or the size limit). Nothing is left behind on failure.

    Runs outside any database transaction (slow I/O).
    """
    incoming = root() / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(
                        too_large
                        or f"The package is larger than the limit of {max_bytes:,} bytes; "
                        "nothing was stored."
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return SpooledUpload(path=tmp, sha256=digest.hexdigest(), size=size)


def discard(spooled: SpooledUpload) -> None:
    spooled.path.unlink(missing_ok=True)


def keep(spooled: SpooledUpload) -> StoredArchive:
    """Accept a spooled upload into the content-addressed store (a rename, no copy)."""
    final = archive_path(spooled.sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        discard(spooled)
        return StoredArchive(path=final, sha256=spooled.sha256, size=spooled.size)
    os.replace(spooled.path, final)
    final.chmod(0o440)
    return StoredArchive(path=final, sha256=spooled.sha256, size=spooled.size, created=True)


def forget(stored: StoredArchive) -> None:
    """Undo ``keep`` when the version that needed the archive was not recorded after all."""
    if stored.created:
        stored.path.unlink(missing_ok=True)


def remove_tree(version_id: int) -> None:
    shutil.rmtree(tree_path(version_id), ignore_errors=True)


def prepare_tree(version_id: int) -> Path:
    """An empty place to unpack into: removes what an earlier, interrupted attempt left (the
    tree itself and the unpacker's hidden staging folders beside it)."""
    dest = tree_path(version_id)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_tree(version_id)
    for leftover in dest.parent.glob(f".{version_id}.*.unpacking"):
        shutil.rmtree(leftover, ignore_errors=True)
    return dest
