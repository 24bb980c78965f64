"""The staging folder: what the archive has claimed in it, and the writing of its files."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from submissions.unpack.errors import UnpackError, parsing
from submissions.unpack.limits import Budget, KiB, Source

Kind = Literal["file", "dir"]

DIR_MODE = 0o750
_FILE_MODE = 0o640
_CHUNK = 64 * KiB


@dataclass(frozen=True)
class UnpackedFile:
    path: str
    size: int
    sha256: str


def write_all(fd: int, data: bytes, entry: str) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as error:
        raise UnpackError(f"could not be written: {error.strerror}", entry) from error


class Tree:
    """The staging folder, and what the archive has claimed in it so far."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: set[str] = set()
        self._dirs: set[str] = set()  # created on disk, named by an entry or implied by one
        self._listed_dirs: set[str] = set()  # named by a directory entry

    def add_dir(self, path: str, entry: str) -> None:
        self._claim(path, "dir", entry)
        self._listed_dirs.add(path)
        self._make_dirs([*_parents(path), path], entry)

    def add_file(self, path: str, source: Source, budget: Budget, entry: str) -> UnpackedFile:
        self._claim(path, "file", entry)
        self._files.add(path)
        self._make_dirs(_parents(path), entry)
        fd = self._create(path, entry)
        try:
            digest = hashlib.sha256()
            size = 0
            while True:
                with parsing(entry):
                    chunk = source.read(_CHUNK)
                if not chunk:
                    return UnpackedFile(path=path, size=size, sha256=digest.hexdigest())
                budget.reserve(len(chunk), size)
                digest.update(chunk)
                write_all(fd, chunk, entry)
                size += len(chunk)
        finally:
            os.close(fd)

    def _claim(self, path: str, kind: Kind, entry: str) -> None:
        if path in self._files or path in self._listed_dirs:
            raise UnpackError("appears more than once in the archive", entry)
        if kind == "file" and path in self._dirs:
            raise UnpackError("is a file, but the archive also has a folder at this path", entry)
        for parent in _parents(path):
            if parent in self._files:
                raise UnpackError(
                    f"needs a folder at '{parent}', where the archive has a file", entry
                )

    def _make_dirs(self, paths: list[str], entry: str) -> None:
        for path in paths:
            if path in self._dirs:
                continue
            try:
                os.mkdir(self.root / path, DIR_MODE)
                # As for files: the umask filters mkdir's mode, and the folder must be 0o750.
                os.chmod(self.root / path, DIR_MODE)
            except FileExistsError as error:
                raise UnpackError("collides with another entry", entry) from error
            except OSError as error:
                raise UnpackError(f"could not be created: {error.strerror}", entry) from error
            self._dirs.add(path)

    def _create(self, path: str, entry: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(self.root / path, flags, _FILE_MODE)
        except FileExistsError as error:
            # Only reachable where the file system folds names (case, normalisation).
            raise UnpackError("collides with another entry", entry) from error
        except OSError as error:
            raise UnpackError(f"could not be written: {error.strerror}", entry) from error
        try:
            # The mode given to open() is filtered by the umask; the file must end up 0o640.
            os.fchmod(fd, _FILE_MODE)
        except OSError as error:
            os.close(fd)
            raise UnpackError(f"could not be written: {error.strerror}", entry) from error
        return fd


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts))]
