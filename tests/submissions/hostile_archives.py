"""Builders for archives in the test suite, including forms tarfile and zipfile will not write.

zipfile cuts names at NUL, always encodes names itself and never lies about sizes, so hostile
zips are assembled here byte by byte (stored or raw-deflated members, no zip64).
"""

from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

_DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1
_UNIX = 3
# The record layouts of APPNOTE.TXT sections 4.3.7, 4.3.12 and 4.3.16.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_OF_DIRECTORY = struct.Struct("<4s4H2LH")


@dataclass(frozen=True)
class RawZipEntry:
    name: bytes
    data: bytes = b""
    utf8_flag: bool = False
    extra_flags: int = 0
    external_attr: int = 0o100644 << 16
    deflate: bool = False
    # Lie about the uncompressed size (both headers); None tells the truth.
    declared_size: int | None = None
    # Point the central directory at the local header of an earlier entry instead of
    # writing one: two names sharing one payload.
    shares_data_with: int | None = None


def raw_zip(entries: Sequence[RawZipEntry]) -> bytes:
    body = io.BytesIO()
    offsets: list[int] = []
    central: list[bytes] = []
    for entry in entries:
        payload = _deflate_raw(entry.data) if entry.deflate else entry.data
        method = zipfile.ZIP_DEFLATED if entry.deflate else zipfile.ZIP_STORED
        flags = entry.extra_flags | (0x800 if entry.utf8_flag else 0)
        crc = zlib.crc32(entry.data)
        size = len(entry.data) if entry.declared_size is None else entry.declared_size
        if entry.shares_data_with is None:
            offsets.append(body.tell())
            body.write(
                _LOCAL_HEADER.pack(
                    b"PK\x03\x04",
                    20,
                    0,
                    flags,
                    method,
                    0,
                    _DOS_DATE_1980_01_01,
                    crc,
                    len(payload),
                    size,
                    len(entry.name),
                    0,
                )
            )
            body.write(entry.name)
            body.write(payload)
        else:
            offsets.append(offsets[entry.shares_data_with])
        central.append(
            _CENTRAL_HEADER.pack(
                b"PK\x01\x02",
                20,
                _UNIX,
                20,
                0,
                flags,
                method,
                0,
                _DOS_DATE_1980_01_01,
                crc,
                len(payload),
                size,
                len(entry.name),
                0,
                0,
                0,
                0,
                entry.external_attr,
                offsets[-1],
            )
            + entry.name
        )
    directory_offset = body.tell()
    directory = b"".join(central)
    body.write(directory)
    body.write(
        _END_OF_DIRECTORY.pack(
            b"PK\x05\x06",
            0,
            0,
            len(entries),
            len(entries),
            len(directory),
            directory_offset,
            0,
        )
    )
    return body.getvalue()


def _deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@dataclass(frozen=True)
class TarEntry:
    name: str
    data: bytes = b""
    type: bytes = tarfile.REGTYPE
    mode: int = 0o644
    linkname: str = ""
    pax_headers: dict[str, str] | None = None


def tar_bytes(
    entries: Iterable[TarEntry], *, compress: bool, tar_format: int = tarfile.GNU_FORMAT
) -> bytes:
    """A tar (gzipped if asked) whose names may hold any bytes, via surrogateescape."""
    buffer = io.BytesIO()
    mode: Literal["w:gz", "w"] = "w:gz" if compress else "w"
    with tarfile.open(
        fileobj=buffer,
        mode=mode,
        format=tar_format,
        encoding="utf-8",
        errors="surrogateescape",
    ) as archive:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.type = entry.type
            info.mode = entry.mode
            info.linkname = entry.linkname
            info.pax_headers = dict(entry.pax_headers or {})
            if entry.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
                info.size = len(entry.data)
                archive.addfile(info, io.BytesIO(entry.data))
            else:
                archive.addfile(info)
    return buffer.getvalue()


def write_gzipped_tar_of_zeros(path: Path, name: str, size: int) -> None:
    """A one-member tar.gz of ``size`` zero bytes, streamed so the zeros never sit in memory."""
    header = tarfile.TarInfo(name)
    header.size = size
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    with path.open("wb") as out:
        out.write(compressor.compress(header.tobuf(tarfile.GNU_FORMAT)))
        remaining = size + (-size % tarfile.BLOCKSIZE) + 2 * tarfile.BLOCKSIZE
        while remaining:
            chunk = zeros[: min(remaining, len(zeros))]
            out.write(compressor.compress(chunk))
            remaining -= len(chunk)
        out.write(compressor.flush())


class UnseekableWriter(io.RawIOBase):
    """A sink without tell(), which makes zipfile write data descriptors after each member."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        return self.buffer.write(data)

    def tell(self) -> int:
        raise OSError("not seekable")

    def seekable(self) -> bool:
        return False
