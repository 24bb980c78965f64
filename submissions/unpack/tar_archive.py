"""Tar archives, plain or gzipped, read strictly forwards as one stream."""

from __future__ import annotations

import contextlib
import tarfile
from pathlib import Path
from typing import Self

from submissions.unpack.errors import CORRUPT, UnpackError, parsing
from submissions.unpack.limits import Budget, CountingReader
from submissions.unpack.names import display, normalise, refuse_root
from submissions.unpack.tree import Kind, Tree, UnpackedFile


def unpack_tar(stream: CountingReader, tree: Tree, budget: Budget) -> list[UnpackedFile]:
    files: list[UnpackedFile] = []
    # Stream mode reads strictly forwards, so nothing is ever decompressed twice, and
    # surrogateescape keeps the raw bytes of names that are not UTF-8 visible to normalise.
    with contextlib.ExitStack() as stack:
        with parsing(None):
            archive = stack.enter_context(
                tarfile.open(  # type: ignore[call-overload]
                    fileobj=stream,
                    mode="r|",
                    tarinfo=_StrictTarInfo,
                    encoding="utf-8",
                    errors="surrogateescape",
                )
            )
        while True:
            budget.entry = None
            with parsing(None):
                member = archive.next()
            if member is None:
                return files
            entry = display(member.name)
            budget.start_entry(entry)
            kind = _tar_kind(member, entry)
            path = normalise(member.name, budget.limits, entry)
            _check_with_data_filter(member, tree.root, entry)
            if not path:
                refuse_root(kind, entry)
            elif kind == "dir":
                tree.add_dir(path, entry)
            else:
                files.append(_unpack_tar_file(archive, member, path, tree, budget, entry))


class _StrictTarInfo(tarfile.TarInfo):
    """Treats a missing or damaged header as corruption rather than as the end of the archive.

    tarfile stops quietly at a header with a bad checksum, or at a cut after a whole member,
    which would unpack part of a truncated upload as if it were complete. Only a zero block
    ends an archive.
    """

    @classmethod
    def frombuf(cls, buf: bytes | bytearray, encoding: str, errors: str) -> Self:
        try:
            return super().frombuf(buf, encoding, errors)
        except tarfile.HeaderError as error:
            if buf == bytes(tarfile.BLOCKSIZE):
                raise  # the end-of-archive marker, which tarfile handles
            raise UnpackError(CORRUPT) from error


def _unpack_tar_file(
    archive: tarfile.TarFile,
    member: tarfile.TarInfo,
    path: str,
    tree: Tree,
    budget: Budget,
    entry: str,
) -> UnpackedFile:
    budget.check_declared_size(member.size)
    with parsing(entry):
        source = archive.extractfile(member)
    if source is None:
        raise UnpackError(CORRUPT, entry)
    with source:
        return tree.add_file(path, source, budget, entry)


def _tar_kind(member: tarfile.TarInfo, entry: str) -> Kind:
    if member.isreg():
        return "file"
    if member.isdir():
        return "dir"
    if member.issym():
        raise UnpackError("symbolic links are not allowed", entry)
    if member.islnk():
        raise UnpackError("hard links are not allowed", entry)
    if member.ischr():
        raise UnpackError("character devices are not allowed", entry)
    if member.isblk():
        raise UnpackError("block devices are not allowed", entry)
    if member.isfifo():
        raise UnpackError("FIFOs (named pipes) are not allowed", entry)
    raise UnpackError(f"entries of tar type {member.type!r} are not allowed", entry)


def _check_with_data_filter(member: tarfile.TarInfo, root: Path, entry: str) -> None:
    # A second opinion from the standard library; our own checks run first so that the
    # submitter gets a specific message, and this one should never fire.
    try:
        tarfile.data_filter(member, str(root))
    except tarfile.FilterError as error:
        raise UnpackError(f"refused by tarfile's data filter: {error}", entry) from error
