"""What an archive may cost, and the accounting that enforces it on the bytes actually read."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from submissions.unpack.errors import UnpackError

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

# Room for tar headers, block padding and pax records on top of the file data. tarfile reads a
# pax or GNU long-name header wholly into memory, so metadata beyond this is refused as an attack.
_METADATA_FLOOR = 1 * MiB
_METADATA_PER_ENTRY = 64 * KiB


@dataclass(frozen=True)
class UnpackLimits:
    max_files: int = 20_000
    max_total_bytes: int = 2 * GiB
    max_file_bytes: int = 512 * MiB
    # Whole archive: bytes unpacked so far divided by archive bytes read so far.
    max_ratio: float = 200.0
    max_path_length: int = 255 * 4  # bytes of UTF-8, after normalisation
    max_depth: int = 32  # path components, the file name included
    # Small archives of well-compressed text legitimately beat any sane ratio, so the ratio is
    # only enforced once this much has been unpacked.
    ratio_floor_bytes: int = 1 * MiB


class Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Stream(Source, Protocol):
    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int: ...

    def tell(self) -> int: ...

    def seekable(self) -> bool: ...


class CountingReader:
    """A file wrapper that reports every byte read, so limits hold whatever the parser does."""

    def __init__(self, inner: _Stream, on_read: Callable[[int], None]) -> None:
        self._inner = inner
        self._on_read = on_read

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._on_read(len(data))
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def seekable(self) -> bool:
        return self._inner.seekable()

    def readable(self) -> bool:
        return True


class Budget:
    """Counts what the archive has cost so far and refuses as soon as a limit is passed.

    ``entry`` is the member being unpacked, so that a limit tripped deep inside a parser's
    read can still be reported against it.
    """

    def __init__(self, limits: UnpackLimits) -> None:
        self.limits = limits
        self.entry: str | None = None
        self._entries = 0
        self._compressed = 0
        self._decompressed = 0
        self._written = 0

    def start_entry(self, entry: str) -> None:
        self.entry = entry
        self._entries += 1
        if self._entries > self.limits.max_files:
            raise UnpackError(f"archive has more than {self.limits.max_files} entries", entry)

    def on_compressed(self, size: int) -> None:
        self._compressed += size

    def on_decompressed(self, size: int) -> None:
        self._decompressed += size
        self._check_ratio(self._decompressed)
        allowance = _METADATA_FLOOR + _METADATA_PER_ENTRY * (self._entries + 1)
        if self._decompressed - self._written > allowance:
            raise UnpackError("archive headers are unreasonably large", self.entry)

    def on_uncompressed(self, size: int) -> None:
        self.on_compressed(size)
        self.on_decompressed(size)

    def check_declared_size(self, size: int) -> None:
        if size > self.limits.max_file_bytes:
            raise UnpackError(self._file_too_large(), self.entry)

    def reserve(self, size: int, file_bytes_so_far: int) -> None:
        """Account for ``size`` more bytes of the current file before they are written."""
        if file_bytes_so_far + size > self.limits.max_file_bytes:
            raise UnpackError(self._file_too_large(), self.entry)
        if self._written + size > self.limits.max_total_bytes:
            limit = _format_size(self.limits.max_total_bytes)
            raise UnpackError(f"archive unpacks to more than the limit of {limit}", self.entry)
        self._written += size
        self._check_ratio(self._written)

    def _check_ratio(self, produced: int) -> None:
        if produced <= self.limits.ratio_floor_bytes:
            return
        if produced > self.limits.max_ratio * self._compressed:
            raise UnpackError(
                f"archive expands more than {self.limits.max_ratio:g} times its compressed size"
                " (possible compression bomb)",
                self.entry,
            )

    def _file_too_large(self) -> str:
        return f"file is larger than the limit of {_format_size(self.limits.max_file_bytes)}"


def _format_size(size: int) -> str:
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} bytes"
