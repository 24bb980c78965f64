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

This module must stay free of Django so that it can run in a worker or a sandbox.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import os
import re
import shutil
import stat
import struct
import tarfile
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, Self

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

ArchiveFormat = Literal["tar.gz", "tar", "zip"]
_Kind = Literal["file", "dir"]


class _Source(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Stream(_Source, Protocol):
    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int: ...

    def tell(self) -> int: ...

    def seekable(self) -> bool: ...


_CHUNK = 64 * KiB
_NAME_MAX = 255
_FILE_MODE = 0o640
_DIR_MODE = 0o750
# Room for tar headers, block padding and pax records on top of the file data. tarfile reads a
# pax or GNU long-name header wholly into memory, so metadata beyond this is refused as an attack.
_METADATA_FLOOR = 1 * MiB
_METADATA_PER_ENTRY = 64 * KiB

_ZIP_ENCRYPTED = 0x1
_ZIP_STRONG_ENCRYPTION = 0x40
_ZIP_UTF8 = 0x800
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_ZIP_METHOD_NAMES = {9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstandard", 95: "xz"}

CORRUPT = "archive is truncated or corrupt"
_WINDOWS_ABSOLUTE = re.compile(r"^([A-Za-z]:|\\)")
# Bidirectional overrides make a displayed name differ from the real path (a classic spoof).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


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


@dataclass(frozen=True)
class UnpackedFile:
    path: str
    size: int
    sha256: str


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
    archive: Path, dest: Path, *, limits: UnpackLimits = UnpackLimits()
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
        files = _unpack_into(archive, archive_format, _Tree(staging), _Budget(limits))
        os.chmod(staging, _DIR_MODE)
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
    archive: Path, archive_format: ArchiveFormat, tree: _Tree, budget: _Budget
) -> list[UnpackedFile]:
    with archive.open("rb") as raw:
        if archive_format == "zip":
            return _unpack_zip(_CountingReader(raw, budget.on_compressed), tree, budget)
        if archive_format == "tar":
            return _unpack_tar(_CountingReader(raw, budget.on_uncompressed), tree, budget)
        compressed = _CountingReader(raw, budget.on_compressed)
        with gzip.GzipFile(fileobj=compressed, mode="rb") as decompressed:
            stream = _CountingReader(decompressed, budget.on_decompressed)
            return _unpack_tar(stream, tree, budget)


# -- tar ---------------------------------------------------------------------------------------


def _unpack_tar(stream: _CountingReader, tree: _Tree, budget: _Budget) -> list[UnpackedFile]:
    files: list[UnpackedFile] = []
    # Stream mode reads strictly forwards, so nothing is ever decompressed twice, and
    # surrogateescape keeps the raw bytes of names that are not UTF-8 visible to _normalise.
    with contextlib.ExitStack() as stack:
        with _parsing(None):
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
            with _parsing(None):
                member = archive.next()
            if member is None:
                return files
            entry = _display(member.name)
            budget.start_entry(entry)
            kind = _tar_kind(member, entry)
            path = _normalise(member.name, budget.limits, entry)
            _check_with_data_filter(member, tree.root, entry)
            if not path:
                _refuse_root(kind, entry)
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
    tree: _Tree,
    budget: _Budget,
    entry: str,
) -> UnpackedFile:
    budget.check_declared_size(member.size)
    with _parsing(entry):
        source = archive.extractfile(member)
    if source is None:
        raise UnpackError(CORRUPT, entry)
    with source:
        return tree.add_file(path, source, budget, entry)


def _tar_kind(member: tarfile.TarInfo, entry: str) -> _Kind:
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


# -- zip ---------------------------------------------------------------------------------------


def _unpack_zip(raw: _CountingReader, tree: _Tree, budget: _Budget) -> list[UnpackedFile]:
    with _parsing(None):
        archive = _open_zip(raw)
    with archive:
        members = archive.infolist()
        if len(members) > budget.limits.max_files:
            raise UnpackError(f"archive has more than {budget.limits.max_files} entries")
        files: list[UnpackedFile] = []
        data_offsets: set[int] = set()
        for member in members:
            name = _zip_name(member)
            entry = _display(name)
            budget.start_entry(entry)
            kind = _zip_kind(member, entry)
            path = _normalise(name, budget.limits, entry)
            # Entries sharing one compressed payload are how the densest zip bombs are built.
            if member.header_offset in data_offsets:
                raise UnpackError("shares its data with another entry", entry)
            data_offsets.add(member.header_offset)
            if not path:
                _refuse_root(kind, entry)
            elif kind == "dir":
                tree.add_dir(path, entry)
            else:
                files.append(_unpack_zip_file(archive, member, path, tree, budget, entry))
        return files


def _open_zip(raw: _CountingReader) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(raw)
    except UnicodeDecodeError as error:
        # zipfile decodes every name flagged as UTF-8 while reading the directory; the failing
        # bytes are the name itself, which we can still show.
        name = bytes(error.object).decode("utf-8", "surrogateescape")
        raise UnpackError("name is not valid UTF-8", _display(name)) from error


def _unpack_zip_file(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    path: str,
    tree: _Tree,
    budget: _Budget,
    entry: str,
) -> UnpackedFile:
    if member.flag_bits & (_ZIP_ENCRYPTED | _ZIP_STRONG_ENCRYPTION):
        raise UnpackError("encrypted entries are not allowed", entry)
    if member.compress_type not in _ZIP_METHODS:
        method = _ZIP_METHOD_NAMES.get(member.compress_type, f"#{member.compress_type}")
        raise UnpackError(f"compression method {method} is not supported (use deflate)", entry)
    budget.check_declared_size(member.file_size)
    with _parsing(entry):
        source = archive.open(member)
    # zipfile checks the CRC when the member is read to its end, and never returns more than
    # the declared size, so a size that lies low ends as a CRC failure.
    with source:
        return tree.add_file(path, source, budget, entry)


def _zip_name(member: zipfile.ZipInfo) -> str:
    # orig_filename, because zipfile cuts ZipInfo.filename at the first NUL and we want to
    # refuse such a name rather than silently unpack a different one.
    if member.flag_bits & _ZIP_UTF8:
        return member.orig_filename
    # Without the flag zipfile decoded as cp437, which maps every byte, so this recovers the
    # raw bytes exactly; invalid UTF-8 then shows up as surrogates for _normalise to refuse.
    return member.orig_filename.encode("cp437").decode("utf-8", "surrogateescape")


def _zip_kind(member: zipfile.ZipInfo, entry: str) -> _Kind:
    # The Unix mode in the high bits of external_attr is honoured whatever system the zip
    # claims to come from: a hostile zip chooses that field too.
    file_type = stat.S_IFMT(member.external_attr >> 16)
    refused = {
        stat.S_IFLNK: "symbolic links are not allowed",
        stat.S_IFCHR: "character devices are not allowed",
        stat.S_IFBLK: "block devices are not allowed",
        stat.S_IFIFO: "FIFOs (named pipes) are not allowed",
        stat.S_IFSOCK: "sockets are not allowed",
    }
    if file_type in refused:
        raise UnpackError(refused[file_type], entry)
    # Not the MS-DOS directory attribute: tools that set it also end the name with "/", and
    # trusting it alone could turn a real file into an empty folder without a word.
    if member.orig_filename.endswith("/") or file_type == stat.S_IFDIR:
        return "dir"
    if file_type in (0, stat.S_IFREG):
        return "file"
    raise UnpackError(f"entries with file type {file_type:#o} are not allowed", entry)


# -- checks shared by both formats -------------------------------------------------------------


def _normalise(name: str, limits: UnpackLimits, entry: str) -> str:
    """Return the relative POSIX path an entry name stands for, or refuse the name.

    "." components and repeated slashes are dropped, because tar run on "." writes "./x"; the
    empty string means the destination folder itself.
    """
    if not name:
        raise UnpackError("an entry has an empty name")
    if any(0xD800 <= ord(char) <= 0xDFFF for char in name):
        raise UnpackError("name is not valid UTF-8", entry)
    name = unicodedata.normalize("NFC", name)
    if "\x00" in name:
        raise UnpackError("name contains a NUL character", entry)
    if any(_is_control(char) for char in name):
        raise UnpackError("name contains control characters", entry)
    if name.startswith("/"):
        raise UnpackError("absolute paths are not allowed", entry)
    if _WINDOWS_ABSOLUTE.match(name):
        raise UnpackError("absolute Windows paths are not allowed", entry)
    if "\\" in name:
        raise UnpackError("backslashes are not allowed in names", entry)
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UnpackError("parent folder references ('..') are not allowed", entry)
    path = "/".join(parts)
    if len(path.encode()) > limits.max_path_length:
        raise UnpackError(f"path is longer than {limits.max_path_length} bytes", entry)
    if any(len(part.encode()) > _NAME_MAX for part in parts):
        raise UnpackError(f"a path component is longer than {_NAME_MAX} bytes", entry)
    if len(parts) > limits.max_depth:
        raise UnpackError(f"path is nested deeper than {limits.max_depth} levels", entry)
    return path


def _refuse_root(kind: _Kind, entry: str) -> None:
    # A "./" directory entry is just the destination itself; a file there has no name.
    if kind == "file":
        raise UnpackError("a file cannot be the destination folder itself", entry)


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS


def _display(name: str, limit: int = 200) -> str:
    # Names reach logs and web pages: show undecodable bytes and control characters as escapes
    # instead of passing them on raw, and keep absurdly long hostile names short.
    shown = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF or _is_control(char):
            shown.append(char.encode("unicode_escape").decode("ascii"))
        else:
            shown.append(char)
    text = "".join(shown)
    return text if len(text) <= limit else text[:limit] + "…"


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
def _parsing(entry: str | None) -> Iterator[None]:
    try:
        yield
    except _PARSER_ERRORS as error:
        raise UnpackError(CORRUPT, entry) from error


class _CountingReader:
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


class _Budget:
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


class _Tree:
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

    def add_file(self, path: str, source: _Source, budget: _Budget, entry: str) -> UnpackedFile:
        self._claim(path, "file", entry)
        self._files.add(path)
        self._make_dirs(_parents(path), entry)
        fd = self._create(path, entry)
        try:
            digest = hashlib.sha256()
            size = 0
            while True:
                with _parsing(entry):
                    chunk = source.read(_CHUNK)
                if not chunk:
                    return UnpackedFile(path=path, size=size, sha256=digest.hexdigest())
                budget.reserve(len(chunk), size)
                digest.update(chunk)
                _write_all(fd, chunk, entry)
                size += len(chunk)
        finally:
            os.close(fd)

    def _claim(self, path: str, kind: _Kind, entry: str) -> None:
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
                os.mkdir(self.root / path, _DIR_MODE)
                # As for files: the umask filters mkdir's mode, and the folder must be 0o750.
                os.chmod(self.root / path, _DIR_MODE)
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


def _write_all(fd: int, data: bytes, entry: str) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as error:
        raise UnpackError(f"could not be written: {error.strerror}", entry) from error
