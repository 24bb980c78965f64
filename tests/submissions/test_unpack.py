from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from submissions.unpack import (
    UnpackedFile,
    UnpackError,
    UnpackLimits,
    detect_format,
    tree,
    unpack_archive,
)
from submissions.unpack.names import display
from tests.submissions.hostile_archives import (
    RawZipEntry,
    TarEntry,
    UnseekableWriter,
    raw_zip,
    tar_bytes,
    write_gzipped_tar_of_zeros,
)

MiB = 1024 * 1024
FORMATS = ["tar.gz", "tar", "zip"]

TREE = {
    "results/system_a/bert/result_0.txt": b':::MLLOG {"key": "run_start"}\n' * 50,
    "results/system_a/bert/result_1.txt": b"",
    "systems/system_a.json": b'{"submitter": "Example"}\n',
    "code/bert/implementation/run.sh": b"#!/bin/sh\necho hi\n",
    "README.md": "Résumé of the submission 🚀\n".encode(),
}


@dataclass
class Workspace:
    """An upload folder and an output folder; dest lives in the output folder."""

    root: Path

    @property
    def upload(self) -> Path:
        return self.root / "upload"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def dest(self) -> Path:
        return self.out / "submission-1"

    def write(self, name: str, data: bytes) -> Path:
        path = self.upload / name
        path.write_bytes(data)
        return path

    def unpack(self, archive: Path, **limits: int | float) -> list[UnpackedFile]:
        return unpack_archive(archive, self.dest, limits=UnpackLimits(**limits))  # type: ignore[arg-type]

    def refuse(self, archive: Path, **limits: int | float) -> UnpackError:
        with pytest.raises(UnpackError) as caught:
            self.unpack(archive, **limits)
        self.assert_nothing_left_behind(archive)
        return caught.value

    def assert_nothing_left_behind(self, archive: Path) -> None:
        assert not self.dest.exists()
        assert list(self.out.iterdir()) == []
        assert sorted(p.name for p in self.root.iterdir()) == ["out", "upload"]
        assert [p.name for p in self.upload.iterdir()] == [archive.name]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    space = Workspace(tmp_path)
    space.upload.mkdir()
    space.out.mkdir()
    return space


def build(fmt: str, files: dict[str, bytes]) -> bytes:
    """A well-formed archive of ``files`` made by the standard library's writers."""
    if fmt == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return buffer.getvalue()
    entries = [TarEntry(name, data) for name, data in files.items()]
    return tar_bytes(entries, compress=fmt == "tar.gz", tar_format=tarfile.PAX_FORMAT)


def build_with_names(fmt: str, names: list[str]) -> bytes:
    """An archive of small files whose names may be anything, byte for byte."""
    if fmt == "zip":
        entries = [
            RawZipEntry(name.encode("utf-8", "surrogateescape"), b"x", utf8_flag=True)
            for name in names
        ]
        return raw_zip(entries)
    return tar_bytes([TarEntry(name, b"x") for name in names], compress=fmt == "tar.gz")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree_on_disk(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


# -- format detection --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_is_detected_from_magic_bytes_not_from_the_file_name(
    workspace: Workspace, fmt: str
) -> None:
    archive = workspace.write("results.pdf", build(fmt, {"a.txt": b"a"}))

    assert detect_format(archive) == fmt


@pytest.mark.parametrize(
    "data", [b"", b"hello world", b"BZh91AY&SY", b"\xfd7zXZ\x00", b"%PDF-1.7\n" + b"x" * 600]
)
def test_files_that_are_not_tar_gz_tar_or_zip_are_refused(
    workspace: Workspace, data: bytes
) -> None:
    archive = workspace.write("results.tar.gz", data)

    error = workspace.refuse(archive)

    assert error.entry is None
    assert str(error) == "not a .tar.gz, .tar or .zip archive"


# -- archives that unpack ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_nested_tree_round_trips_with_correct_sizes_and_hashes(
    workspace: Workspace, fmt: str
) -> None:
    archive = workspace.write(f"upload.{fmt}", build(fmt, TREE))

    files = workspace.unpack(archive)

    assert files == [
        UnpackedFile(path=path, size=len(data), sha256=sha256(data))
        for path, data in sorted(TREE.items())
    ]
    assert tree_on_disk(workspace.dest) == TREE
    assert sorted(p.name for p in workspace.out.iterdir()) == ["submission-1"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unpacked_files_and_folders_get_fixed_modes_whatever_the_archive_says(
    workspace: Workspace, fmt: str
) -> None:
    if fmt == "zip":
        data = raw_zip(
            [
                RawZipEntry(b"bin/", external_attr=(stat.S_IFDIR | 0o777) << 16),
                RawZipEntry(b"bin/tool", b"x", external_attr=(stat.S_IFREG | 0o6777) << 16),
            ]
        )
    else:
        entries = [
            TarEntry("bin", type=tarfile.DIRTYPE, mode=0o777),
            TarEntry("bin/tool", b"x", mode=0o6777),
        ]
        data = tar_bytes(entries, compress=fmt == "tar.gz")
    archive = workspace.write("upload", data)

    workspace.unpack(archive)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(workspace.dest) == 0o750
    assert mode(workspace.dest / "bin") == 0o750
    assert mode(workspace.dest / "bin" / "tool") == 0o640


@pytest.mark.parametrize("fmt", FORMATS)
def test_folder_entries_create_folders_even_when_empty(workspace: Workspace, fmt: str) -> None:
    if fmt == "zip":
        data = raw_zip([RawZipEntry(b"logs/"), RawZipEntry(b"logs/empty/")])
    else:
        entries = [
            TarEntry("logs", type=tarfile.DIRTYPE),
            TarEntry("logs/empty/", type=tarfile.DIRTYPE),
        ]
        data = tar_bytes(entries, compress=fmt == "tar.gz")
    archive = workspace.write("upload", data)

    assert workspace.unpack(archive) == []
    assert (workspace.dest / "logs" / "empty").is_dir()


def test_a_folder_entry_after_the_files_inside_it_is_accepted(workspace: Workspace) -> None:
    data = raw_zip([RawZipEntry(b"logs/a.txt", b"a"), RawZipEntry(b"logs/")])
    archive = workspace.write("upload.zip", data)

    assert [f.path for f in workspace.unpack(archive)] == ["logs/a.txt"]


@pytest.mark.parametrize("fmt", ["tar.gz", "tar"])
def test_dot_slash_prefixes_written_by_tar_are_accepted(workspace: Workspace, fmt: str) -> None:
    entries = [
        TarEntry("./", type=tarfile.DIRTYPE),
        TarEntry("./results", type=tarfile.DIRTYPE),
        TarEntry("./results/./a.txt", b"a"),
    ]
    archive = workspace.write("upload", tar_bytes(entries, compress=fmt == "tar.gz"))

    assert [f.path for f in workspace.unpack(archive)] == ["results/a.txt"]


def test_a_zip_written_with_data_descriptors_unpacks(workspace: Workspace) -> None:
    sink = UnseekableWriter()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in TREE.items():
            archive.writestr(name, data)
    data = sink.buffer.getvalue()
    assert all(info.flag_bits & 0x08 for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    archive_path = workspace.write("upload.zip", data)

    workspace.unpack(archive_path)

    assert tree_on_disk(workspace.dest) == TREE


def test_an_empty_zip_unpacks_to_an_empty_folder(workspace: Workspace) -> None:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    archive = workspace.write("upload.zip", buffer.getvalue())

    assert workspace.unpack(archive) == []
    assert list(workspace.dest.iterdir()) == []


def test_a_zip_name_without_the_utf8_flag_is_accepted_when_its_bytes_are_utf8(
    workspace: Workspace,
) -> None:
    data = raw_zip([RawZipEntry("café/ü.txt".encode(), b"x", utf8_flag=False)])
    archive = workspace.write("upload.zip", data)

    assert [f.path for f in workspace.unpack(archive)] == ["café/ü.txt"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_names_are_stored_in_unicode_nfc(workspace: Workspace, fmt: str) -> None:
    archive = workspace.write("upload", build_with_names(fmt, ["cafe\u0301.txt"]))

    assert [f.path for f in workspace.unpack(archive)] == ["caf\u00e9.txt"]
    assert os.listdir(workspace.dest) == ["caf\u00e9.txt"]


def test_an_existing_empty_destination_folder_is_used(workspace: Workspace) -> None:
    workspace.dest.mkdir()
    archive = workspace.write("upload.zip", build("zip", {"a.txt": b"a"}))

    workspace.unpack(archive)

    assert tree_on_disk(workspace.dest) == {"a.txt": b"a"}


def test_a_destination_that_is_not_empty_is_refused_without_touching_it(
    workspace: Workspace,
) -> None:
    workspace.dest.mkdir()
    (workspace.dest / "keep.txt").write_bytes(b"keep")
    archive = workspace.write("upload.zip", build("zip", {"a.txt": b"a"}))

    with pytest.raises(FileExistsError):
        workspace.unpack(archive)

    assert tree_on_disk(workspace.dest) == {"keep.txt": b"keep"}
    assert [p.name for p in workspace.out.iterdir()] == ["submission-1"]


# -- hostile names -----------------------------------------------------------------------------

HOSTILE_NAMES = [
    ("/etc/cron.d/evil", "absolute paths are not allowed"),
    ("C:/Windows/evil.dll", "absolute Windows paths are not allowed"),
    ("c:evil.txt", "absolute Windows paths are not allowed"),
    ("\\\\server\\share\\evil.txt", "absolute Windows paths are not allowed"),
    ("results\\..\\..\\evil.txt", "backslashes are not allowed in names"),
    ("../evil.txt", "parent folder references ('..') are not allowed"),
    ("results/../../evil.txt", "parent folder references ('..') are not allowed"),
    ("results/..", "parent folder references ('..') are not allowed"),
    ("results/a\nb.txt", "name contains control characters"),
    ("results/a\x1b[31mb.txt", "name contains control characters"),
    ("results/a\x7fb.txt", "name contains control characters"),
    ("results/txt.\u202eexe", "name contains control characters"),
    ("results/" + "a" * 256, "a path component is longer than 255 bytes"),
    ("/".join(["d"] * 40) + "/a.txt", "path is nested deeper than 32 levels"),
    ("/".join(["d" * 200] * 6), "path is longer than 1020 bytes"),
    ("results/\udcff\udcfe.txt", "name is not valid UTF-8"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "reason"), HOSTILE_NAMES)
def test_hostile_names_are_refused_with_a_reason_naming_the_entry(
    workspace: Workspace, fmt: str, name: str, reason: str
) -> None:
    archive = workspace.write("upload", build_with_names(fmt, ["fine.txt", name]))

    error = workspace.refuse(archive)

    assert error.reason == reason
    assert error.entry == display(name)


def test_the_entry_in_a_refusal_is_escaped_for_display(workspace: Workspace) -> None:
    archive = workspace.write("upload.tar", build_with_names("tar", ["a\x1b[2J\udcff.txt"]))

    error = workspace.refuse(archive)

    assert error.entry == "a\\x1b[2J\\xff.txt"
    assert str(error) == "a\\x1b[2J\\xff.txt: name is not valid UTF-8"


def test_a_nul_in_a_tar_name_is_refused(workspace: Workspace) -> None:
    # tarfile cuts the ustar name field at NUL, but a pax path record can carry one.
    entry = TarEntry("placeholder.txt", b"x", pax_headers={"path": "evil.txt\x00.pdf"})
    data = tar_bytes([entry], compress=True, tar_format=tarfile.PAX_FORMAT)
    archive = workspace.write("upload.tar.gz", data)

    error = workspace.refuse(archive)

    assert str(error) == "evil.txt\\x00.pdf: name contains a NUL character"


def test_a_nul_in_a_zip_name_is_refused(workspace: Workspace) -> None:
    archive = workspace.write("upload.zip", raw_zip([RawZipEntry(b"evil.txt\x00../../x", b"x")]))

    error = workspace.refuse(archive)

    assert error.reason == "name contains a NUL character"


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_name_is_refused(workspace: Workspace, fmt: str) -> None:
    archive = workspace.write("upload", build_with_names(fmt, [""]))

    error = workspace.refuse(archive)

    assert (error.entry, error.reason) == (None, "an entry has an empty name")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_named_dot_is_refused(workspace: Workspace, fmt: str) -> None:
    archive = workspace.write("upload", build_with_names(fmt, ["."]))

    error = workspace.refuse(archive)

    assert error.reason == "a file cannot be the destination folder itself"


def test_a_zip_name_flagged_utf8_that_is_not_utf8_is_refused(workspace: Workspace) -> None:
    data = raw_zip([RawZipEntry(b"results/caf\xe9.txt", b"x", utf8_flag=True)])
    archive = workspace.write("upload.zip", data)

    error = workspace.refuse(archive)

    assert str(error) == "results/caf\\xe9.txt: name is not valid UTF-8"


def test_a_zip_name_in_a_legacy_code_page_is_refused(workspace: Workspace) -> None:
    # "café" as a Windows tool would write it in cp437, without the UTF-8 flag.
    data = raw_zip([RawZipEntry(b"results/caf\x82.txt", b"x", utf8_flag=False)])
    archive = workspace.write("upload.zip", data)

    error = workspace.refuse(archive)

    assert str(error) == "results/caf\\x82.txt: name is not valid UTF-8"


# -- links and special files -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["tar.gz", "tar"])
@pytest.mark.parametrize(
    ("entry_type", "reason"),
    [
        (tarfile.SYMTYPE, "symbolic links are not allowed"),
        (tarfile.LNKTYPE, "hard links are not allowed"),
        (tarfile.CHRTYPE, "character devices are not allowed"),
        (tarfile.BLKTYPE, "block devices are not allowed"),
        (tarfile.FIFOTYPE, "FIFOs (named pipes) are not allowed"),
        (b"Z", "entries of tar type b'Z' are not allowed"),
    ],
)
def test_tar_links_and_special_files_are_refused(
    workspace: Workspace, fmt: str, entry_type: bytes, reason: str
) -> None:
    entries = [
        TarEntry("results/x/a.txt", b"a"),
        TarEntry("results/x/result_0.txt", type=entry_type, linkname="/etc/passwd"),
    ]
    archive = workspace.write("upload", tar_bytes(entries, compress=fmt == "tar.gz"))

    error = workspace.refuse(archive)

    assert str(error) == f"results/x/result_0.txt: {reason}"


@pytest.mark.parametrize(
    ("file_type", "reason"),
    [
        (stat.S_IFLNK, "symbolic links are not allowed"),
        (stat.S_IFCHR, "character devices are not allowed"),
        (stat.S_IFBLK, "block devices are not allowed"),
        (stat.S_IFIFO, "FIFOs (named pipes) are not allowed"),
        (stat.S_IFSOCK, "sockets are not allowed"),
    ],
)
def test_zip_links_and_special_files_are_refused(
    workspace: Workspace, file_type: int, reason: str
) -> None:
    info = zipfile.ZipInfo("results/x/result_0.txt")
    info.external_attr = (file_type | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("results/x/a.txt", b"a")
        archive.writestr(info, b"/etc/passwd")
    archive_path = workspace.write("upload.zip", buffer.getvalue())

    error = workspace.refuse(archive_path)

    assert str(error) == f"results/x/result_0.txt: {reason}"


def test_a_tar_symlink_refusal_leaves_no_link_anywhere(workspace: Workspace) -> None:
    entries = [
        TarEntry("results", type=tarfile.SYMTYPE, linkname=str(workspace.root)),
        TarEntry("results/evil.txt", b"owned"),
    ]
    archive = workspace.write("upload.tar", tar_bytes(entries, compress=False))

    workspace.refuse(archive)

    assert not any(p.is_symlink() for p in workspace.root.rglob("*"))


# -- duplicates and conflicts ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("names", "entry", "reason"),
    [
        (["a.txt", "a.txt"], "a.txt", "appears more than once in the archive"),
        (["d/a.txt", "d//./a.txt"], "d//./a.txt", "appears more than once in the archive"),
        (["caf\u00e9", "cafe\u0301"], "cafe\u0301", "appears more than once in the archive"),
        (["d/a.txt", "d"], "d", "is a file, but the archive also has a folder at this path"),
        (["d", "d/a.txt"], "d/a.txt", "needs a folder at 'd', where the archive has a file"),
    ],
)
def test_duplicate_and_conflicting_entries_are_refused(
    workspace: Workspace, fmt: str, names: list[str], entry: str, reason: str
) -> None:
    archive = workspace.write("upload", build_with_names(fmt, names))

    error = workspace.refuse(archive)

    assert (error.entry, error.reason) == (entry, reason)


@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_a_folder_listed_twice_is_refused(workspace: Workspace, fmt: str) -> None:
    if fmt == "zip":
        data = raw_zip([RawZipEntry(b"d/"), RawZipEntry(b"d/")])
    else:
        data = tar_bytes([TarEntry("d", type=tarfile.DIRTYPE)] * 2, compress=True)
    archive = workspace.write("upload", data)

    error = workspace.refuse(archive)

    assert error.reason == "appears more than once in the archive"
    assert error.entry in ("d", "d/")


# -- zip specifics -----------------------------------------------------------------------------


def test_an_encrypted_zip_entry_is_refused(workspace: Workspace) -> None:
    data = raw_zip([RawZipEntry(b"secret.txt", b"\x00" * 12 + b"x", extra_flags=0x1)])
    archive = workspace.write("upload.zip", data)

    assert str(workspace.refuse(archive)) == "secret.txt: encrypted entries are not allowed"


@pytest.mark.parametrize(
    ("method", "name"), [(zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "lzma")]
)
def test_zip_compression_methods_other_than_deflate_are_refused(
    workspace: Workspace, method: int, name: str
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("a.txt", b"a" * 100)
    archive_path = workspace.write("upload.zip", buffer.getvalue())

    error = workspace.refuse(archive_path)

    assert str(error) == f"a.txt: compression method {name} is not supported (use deflate)"


def test_zip_entries_sharing_one_payload_are_refused(workspace: Workspace) -> None:
    data = raw_zip(
        [RawZipEntry(b"a.txt", b"a" * 100), RawZipEntry(b"b.txt", b"a" * 100, shares_data_with=0)]
    )
    archive = workspace.write("upload.zip", data)

    assert str(workspace.refuse(archive)) == "b.txt: shares its data with another entry"


# -- corrupt archives --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("keep", [0.2, 0.45, 0.7])
def test_a_truncated_archive_is_refused_as_corrupt(
    workspace: Workspace, fmt: str, keep: float
) -> None:
    big = {f"results/{i}.txt": os.urandom(3000) for i in range(6)}
    data = build(fmt, big)
    archive = workspace.write("upload", data[: int(len(data) * keep)])

    error = workspace.refuse(archive)

    assert error.reason == "archive is truncated or corrupt"


def test_a_plain_tar_cut_exactly_after_a_member_is_refused(workspace: Workspace) -> None:
    data = tar_bytes([TarEntry("a.txt", b"a" * 512), TarEntry("b.txt", b"b")], compress=False)
    archive = workspace.write("upload.tar", data[: 3 * 512])

    assert workspace.refuse(archive).reason == "archive is truncated or corrupt"


def test_a_tar_header_with_a_bad_checksum_is_refused(workspace: Workspace) -> None:
    data = bytearray(tar_bytes([TarEntry("a.txt", b"a"), TarEntry("b.txt", b"b")], compress=False))
    data[1024 + 10] ^= 0xFF  # inside the second member's name
    archive = workspace.write("upload.tar", bytes(data))

    assert workspace.refuse(archive).reason == "archive is truncated or corrupt"


def test_a_zip_with_a_bad_crc_is_refused_naming_the_entry(workspace: Workspace) -> None:
    data = bytearray(raw_zip([RawZipEntry(b"a.txt", b"hello world")]))
    data[30 + len(b"a.txt")] ^= 0xFF  # first payload byte
    archive = workspace.write("upload.zip", bytes(data))

    assert str(workspace.refuse(archive)) == "a.txt: archive is truncated or corrupt"


def test_a_refusal_late_in_the_archive_removes_everything_written_before(
    workspace: Workspace,
) -> None:
    names = [f"results/{i}/result.txt" for i in range(20)] + ["../evil.txt"]
    archive = workspace.write("upload.tar.gz", build_with_names("tar.gz", names))

    error = workspace.refuse(archive)

    assert error.entry == "../evil.txt"


def test_an_unpack_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(UnpackError("symbolic links are not allowed", "a/b")))

    assert (error.entry, error.reason, str(error)) == (
        "a/b",
        "symbolic links are not allowed",
        "a/b: symbolic links are not allowed",
    )


# -- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_more_entries_than_the_limit_are_refused(workspace: Workspace, fmt: str) -> None:
    archive = workspace.write("upload", build(fmt, {f"{i}.txt": b"x" for i in range(4)}))

    error = workspace.refuse(archive, max_files=3)

    assert error.reason == "archive has more than 3 entries"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_larger_than_the_per_file_limit_is_refused(workspace: Workspace, fmt: str) -> None:
    archive = workspace.write("upload", build(fmt, {"big.bin": os.urandom(300_000)}))

    error = workspace.refuse(archive, max_file_bytes=200_000)

    assert str(error) == "big.bin: file is larger than the limit of 195.312 KiB"


@pytest.mark.parametrize("fmt", FORMATS)
def test_more_bytes_in_total_than_the_limit_are_refused(workspace: Workspace, fmt: str) -> None:
    files = {f"{i}.bin": os.urandom(400_000) for i in range(3)}
    archive = workspace.write("upload", build(fmt, files))

    error = workspace.refuse(archive, max_total_bytes=1_000_000)

    assert error.entry == "2.bin"
    assert error.reason.startswith("archive unpacks to more than the limit of")


@pytest.fixture
def written_bytes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Records the size of every chunk the unpacker writes to disk."""
    chunks: list[int] = []
    real_write_all = tree.write_all

    def counting_write_all(fd: int, data: bytes, entry: str) -> None:
        chunks.append(len(data))
        real_write_all(fd, data, entry)

    monkeypatch.setattr(tree, "write_all", counting_write_all)
    yield chunks


@pytest.fixture(scope="module")
def gzip_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("bomb") / "bomb.tar.gz"
    write_gzipped_tar_of_zeros(path, "results/zeros.bin", 200 * MiB)
    return path.read_bytes()


def test_a_gzip_bomb_is_stopped_at_the_total_limit_while_reading(
    workspace: Workspace, gzip_bomb: bytes, written_bytes: list[int]
) -> None:
    archive = workspace.write("upload.tar.gz", gzip_bomb)

    error = workspace.refuse(archive, max_total_bytes=5 * MiB, max_ratio=10_000)

    assert str(error) == "results/zeros.bin: archive unpacks to more than the limit of 5 MiB"
    assert 4 * MiB < sum(written_bytes) <= 5 * MiB


def test_a_gzip_bomb_is_stopped_by_its_compression_ratio_soon_after_the_floor(
    workspace: Workspace, gzip_bomb: bytes, written_bytes: list[int]
) -> None:
    archive = workspace.write("upload.tar.gz", gzip_bomb)

    error = workspace.refuse(archive)

    assert error.entry == "results/zeros.bin"
    assert "possible compression bomb" in error.reason
    assert sum(written_bytes) < 4 * MiB


def test_a_zip_bomb_is_stopped_by_its_compression_ratio(
    workspace: Workspace, written_bytes: list[int]
) -> None:
    data = raw_zip([RawZipEntry(b"zeros.bin", bytes(50 * MiB), deflate=True)])
    archive = workspace.write("upload.zip", data)

    error = workspace.refuse(archive)

    assert "possible compression bomb" in error.reason
    assert sum(written_bytes) < 20 * MiB


def test_a_huge_tar_header_is_refused_before_tarfile_buffers_it(workspace: Workspace) -> None:
    entry = TarEntry("a.txt", b"a", pax_headers={"comment": "x" * (20 * MiB)})
    data = tar_bytes([entry], compress=True, tar_format=tarfile.PAX_FORMAT)
    archive = workspace.write("upload.tar.gz", data)

    error = workspace.refuse(archive, max_ratio=10_000)

    assert error.reason == "archive headers are unreasonably large"


def test_a_zip_that_declares_a_small_size_but_holds_more_is_refused(
    workspace: Workspace, written_bytes: list[int]
) -> None:
    data = raw_zip([RawZipEntry(b"liar.bin", os.urandom(3 * MiB), deflate=True, declared_size=MiB)])
    archive = workspace.write("upload.zip", data)

    error = workspace.refuse(archive, max_file_bytes=2 * MiB)

    assert str(error) == "liar.bin: archive is truncated or corrupt"
    assert sum(written_bytes) <= MiB


def test_a_zip_that_declares_a_size_over_the_limit_is_refused_before_writing(
    workspace: Workspace, written_bytes: list[int]
) -> None:
    data = raw_zip([RawZipEntry(b"big.bin", b"tiny", declared_size=3 * MiB)])
    archive = workspace.write("upload.zip", data)

    error = workspace.refuse(archive, max_file_bytes=2 * MiB)

    assert str(error) == "big.bin: file is larger than the limit of 2 MiB"
    assert written_bytes == []


def test_a_small_well_compressed_text_archive_passes_the_ratio_check(
    workspace: Workspace,
) -> None:
    text = b':::MLLOG {"key": "eval_accuracy", "value": 0.5}\n' * 18_000
    archive = workspace.write("upload.tar.gz", build("tar.gz", {"result_0.txt": text}))

    assert workspace.unpack(archive)[0].size == len(text)


# -- generated hostile input -------------------------------------------------------------------

PIECES = [
    "..",
    ".",
    "",
    "a",
    "results",
    "C:",
    "c:\\x",
    "\\",
    "\x00",
    "\n",
    "\x7f",
    "\u202e",
    "é",
    "e\u0301",
    "\udcff",
    "\udc80",
    "~",
    " ",
    "x" * 300,
    "./..",
    "//",
]
SEGMENTS = st.one_of(
    st.sampled_from(PIECES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
)
NAMES = st.one_of(st.lists(SEGMENTS, min_size=1, max_size=6).map("/".join), SEGMENTS)
KINDS = st.sampled_from(["file", "dir", "symlink"])


def build_entries(fmt: str, entries: list[tuple[str, str, bytes]], utf8_flag: bool) -> bytes:
    if fmt == "zip":
        modes = {"file": stat.S_IFREG, "dir": stat.S_IFDIR, "symlink": stat.S_IFLNK}
        return raw_zip(
            [
                RawZipEntry(
                    name.encode("utf-8", "surrogateescape"),
                    data,
                    utf8_flag=utf8_flag,
                    external_attr=(modes[kind] | 0o755) << 16,
                )
                for name, kind, data in entries
            ]
        )
    types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE}
    tar_entries = [
        TarEntry(name, data if kind == "file" else b"", type=types[kind], linkname="../../x")
        for name, kind, data in entries
    ]
    return tar_bytes(tar_entries, compress=fmt == "tar.gz")


def assert_confined(root: Path, dest: Path, files: list[UnpackedFile] | None) -> None:
    assert sorted(os.listdir(root)) == (["archive", "dest"] if files is not None else ["archive"])
    if files is None:
        return
    on_disk: set[str] = set()
    for folder, dirnames, filenames in os.walk(dest):
        for name in dirnames + filenames:
            path = os.path.join(folder, name)
            assert not os.path.islink(path)
            assert os.path.realpath(path).startswith(os.path.realpath(dest) + os.sep)
        on_disk.update(os.path.relpath(os.path.join(folder, n), dest) for n in filenames)
    assert on_disk == {f.path for f in files}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(FORMATS),
    entries=st.lists(st.tuples(NAMES, KINDS, st.binary(max_size=32)), min_size=1, max_size=5),
    utf8_flag=st.booleans(),
)
def test_random_member_names_never_escape_the_destination(
    fmt: str, entries: list[tuple[str, str, bytes]], utf8_flag: bool
) -> None:
    try:
        data = build_entries(fmt, entries, utf8_flag)
    except (ValueError, UnicodeError, tarfile.TarError):
        return  # a name the writer cannot encode; nothing to test
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        archive = root / "archive"
        archive.write_bytes(data)
        try:
            files: list[UnpackedFile] | None = unpack_archive(archive, root / "dest")
        except UnpackError:
            files = None
        assert_confined(root, root / "dest", files)


@pytest.fixture(scope="module")
def valid_archives() -> dict[str, bytes]:
    files = {"results/a.txt": b"a" * 300, "results/b/c.txt": os.urandom(700), "d/": b""}
    return {
        "tar.gz": build("tar.gz", files),
        "tar": build("tar", files),
        "zip": build("zip", files),
    }


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    fmt=st.sampled_from(FORMATS),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_corrupted_archives_unpack_or_raise_unpack_error_and_nothing_else(
    valid_archives: dict[str, bytes],
    fmt: str,
    flips: list[tuple[float, int]],
    cut: float | None,
) -> None:
    data = bytearray(valid_archives[fmt])
    for where, mask in flips:
        data[int(where * len(data))] ^= mask
    if cut is not None:
        data = data[: int(cut * len(data))]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        archive = root / "archive"
        archive.write_bytes(bytes(data))
        try:
            files: list[UnpackedFile] | None = unpack_archive(archive, root / "dest")
        except UnpackError:
            files = None
        assert_confined(root, root / "dest", files)
