"""Zip archives, read through their central directory."""

from __future__ import annotations

import stat
import zipfile

from submissions.unpack.errors import UnpackError, parsing
from submissions.unpack.limits import Budget, CountingReader
from submissions.unpack.names import display, normalise, refuse_root
from submissions.unpack.tree import Kind, Tree, UnpackedFile

_ZIP_ENCRYPTED = 0x1
_ZIP_STRONG_ENCRYPTION = 0x40
_ZIP_UTF8 = 0x800
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_ZIP_METHOD_NAMES = {9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstandard", 95: "xz"}


def unpack_zip(raw: CountingReader, tree: Tree, budget: Budget) -> list[UnpackedFile]:
    with parsing(None):
        archive = _open_zip(raw)
    with archive:
        members = archive.infolist()
        if len(members) > budget.limits.max_files:
            raise UnpackError(f"archive has more than {budget.limits.max_files} entries")
        files: list[UnpackedFile] = []
        data_offsets: set[int] = set()
        for member in members:
            name = _zip_name(member)
            entry = display(name)
            budget.start_entry(entry)
            kind = _zip_kind(member, entry)
            path = normalise(name, budget.limits, entry)
            # Entries sharing one compressed payload are how the densest zip bombs are built.
            if member.header_offset in data_offsets:
                raise UnpackError("shares its data with another entry", entry)
            data_offsets.add(member.header_offset)
            if not path:
                refuse_root(kind, entry)
            elif kind == "dir":
                tree.add_dir(path, entry)
            else:
                files.append(_unpack_zip_file(archive, member, path, tree, budget, entry))
        return files


def _open_zip(raw: CountingReader) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(raw)
    except UnicodeDecodeError as error:
        # zipfile decodes every name flagged as UTF-8 while reading the directory; the failing
        # bytes are the name itself, which we can still show.
        name = bytes(error.object).decode("utf-8", "surrogateescape")
        raise UnpackError("name is not valid UTF-8", display(name)) from error


def _unpack_zip_file(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    path: str,
    tree: Tree,
    budget: Budget,
    entry: str,
) -> UnpackedFile:
    if member.flag_bits & (_ZIP_ENCRYPTED | _ZIP_STRONG_ENCRYPTION):
        raise UnpackError("encrypted entries are not allowed", entry)
    if member.compress_type not in _ZIP_METHODS:
        method = _ZIP_METHOD_NAMES.get(member.compress_type, f"#{member.compress_type}")
        raise UnpackError(f"compression method {method} is not supported (use deflate)", entry)
    budget.check_declared_size(member.file_size)
    with parsing(entry):
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
    # raw bytes exactly; invalid UTF-8 then shows up as surrogates for normalise to refuse.
    return member.orig_filename.encode("cp437").decode("utf-8", "surrogateescape")


def _zip_kind(member: zipfile.ZipInfo, entry: str) -> Kind:
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
