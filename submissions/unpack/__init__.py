"""Unpacking of uploaded result packages (.tar.gz, .tar, .zip) into a private folder.

Every upload is treated as hostile. Each entry is checked before anything is written, and the
checks are ours rather than tarfile's or zipfile's so that a refusal can name the entry and say
why. Sizes declared in headers are only used to refuse early: limits are enforced on the bytes
actually read and written, while reading, so a lying header or a compression bomb is stopped
before it fills the disk or the memory.

Decisions worth knowing:

- Only regular files and directories are unpacked; links and special files are refused rather
  than skipped, because a package that contains them was not made the way we asked.
- Names must be UTF-8. A zip entry without the UTF-8 flag is accepted when its raw bytes are
  valid UTF-8 (what Linux and macOS tools write) and refused otherwise: guessing another code
  page would store a name the submitter never chose.
- Names are stored in Unicode NFC, so two names that differ only in normalisation count as the
  same path (they are the same file on macOS, where many packages are made).
- ``max_files`` counts every entry, directories included, because creating folders costs too.
- Zip members must be stored or deflated: zipfile gives no bound on the memory used to inflate
  a single read of bzip2 or lzma data.

This package must stay free of Django so that it can run in a worker or a sandbox.
"""

from __future__ import annotations

import errno
import gzip
import os
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from submissions.unpack.errors import CORRUPT, UnpackError
from submissions.unpack.limits import Budget, CountingReader, UnpackLimits
from submissions.unpack.tar_archive import unpack_tar
from submissions.unpack.tree import DIR_MODE, Tree, UnpackedFile
from submissions.unpack.zip_archive import unpack_zip

__all__ = [
    "CORRUPT",
    "ArchiveFormat",
    "UnpackError",
    "UnpackLimits",
    "UnpackedFile",
    "detect_format",
    "unpack_archive",
]

ArchiveFormat = Literal["tar.gz", "tar", "zip"]


def detect_format(path: str | os.PathLike[str]) -> ArchiveFormat:
    """Tell the archive format from its first bytes; the uploaded file name is not trusted."""
    with open(path, "rb") as file:
        head = file.read(512)
    if head.startswith(b"\x1f\x8b"):
        return "tar.gz"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head[257:262] == b"ustar":
        return "tar"
    raise UnpackError("not a .tar.gz, .tar or .zip archive")


def unpack_archive(
    archive: Path,
    dest: Path,
    *,
    # Frozen, so one default shared by every call is safe; ruff cannot see that from here.
    limits: UnpackLimits = UnpackLimits(),  # noqa: B008
) -> list[UnpackedFile]:
    """Unpack ``archive`` into ``dest`` and return its regular files, sorted by path.

    Preconditions: ``dest``'s parent exists; ``dest`` does not exist or is an empty folder.
    Otherwise FileExistsError is raised and nothing is touched: that is a caller problem (for
    example a task run twice), not something to blame on the submitter.

    Side effects: the archive is unpacked into a temporary sibling of ``dest`` that is renamed
    into place only on success. On any refusal everything written is removed and UnpackError
    raised, so ``dest`` then does not exist.
    """
    archive, dest = Path(archive), Path(dest)
    archive_format = detect_format(archive)
    _check_destination(dest)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".unpacking", dir=dest.parent))
    try:
        tree = Tree(staging)
        files = _unpack_into(archive, archive_format, tree, Budget(limits))
        os.chmod(staging, DIR_MODE)
        _move_into_place(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(files, key=lambda file: file.path)


def _check_destination(dest: Path) -> None:
    if dest.is_symlink() or (dest.exists() and (not dest.is_dir() or any(dest.iterdir()))):
        raise FileExistsError(f"{dest} already exists and is not an empty folder")


def _move_into_place(staging: Path, dest: Path) -> None:
    try:
        # rename() replaces an empty folder atomically and refuses a non-empty one, which also
        # covers a destination filled by someone else since we checked it.
        os.rename(staging, dest)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            raise FileExistsError(f"{dest} was filled while unpacking") from error
        raise


def _unpack_into(
    archive: Path, archive_format: ArchiveFormat, tree: Tree, budget: Budget
) -> list[UnpackedFile]:
    with archive.open("rb") as raw:
        if archive_format == "zip":
            return unpack_zip(CountingReader(raw, budget.on_compressed), tree, budget)
        if archive_format == "tar":
            return unpack_tar(CountingReader(raw, budget.on_uncompressed), tree, budget)
        compressed = CountingReader(raw, budget.on_compressed)
        with gzip.GzipFile(fileobj=compressed, mode="rb") as decompressed:
            stream = CountingReader(decompressed, budget.on_decompressed)
            return unpack_tar(stream, tree, budget)
