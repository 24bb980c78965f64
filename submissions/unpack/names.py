"""Entry names: the refusals, the normal form a name is stored under, and its safe display."""

from __future__ import annotations

import re
import unicodedata

from submissions.unpack.errors import UnpackError
from submissions.unpack.limits import UnpackLimits
from submissions.unpack.tree import Kind

_NAME_MAX = 255
_WINDOWS_ABSOLUTE = re.compile(r"^([A-Za-z]:|\\)")
# Bidirectional overrides make a displayed name differ from the real path (a classic spoof).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def normalise(name: str, limits: UnpackLimits, entry: str) -> str:
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


def refuse_root(kind: Kind, entry: str) -> None:
    # A "./" directory entry is just the destination itself; a file there has no name.
    if kind == "file":
        raise UnpackError("a file cannot be the destination folder itself", entry)


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI_CONTROLS


def _is_invisible(char: str) -> bool:
    # Zero-width and other format characters, and spaces other than " ", are allowed in names
    # but shown escaped, so a refusal shows what the name really holds.
    return char != " " and unicodedata.category(char) in ("Cf", "Zs")


def display(name: str, limit: int = 200) -> str:
    # Names reach logs and web pages: show undecodable bytes and control characters as escapes
    # instead of passing them on raw, and keep absurdly long hostile names short.
    shown = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF or _is_control(char) or _is_invisible(char):
            shown.append(char.encode("unicode_escape").decode("ascii"))
        else:
            shown.append(char)
    text = "".join(shown)
    return text if len(text) <= limit else text[:limit] + "…"
