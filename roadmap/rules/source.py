"""Turning an uploaded or imported file into rule source text, or saying why it is not text."""

from __future__ import annotations

import hashlib
import re

from roadmap.rules.errors import RulesError

MAX_SOURCE_BYTES = 5 * 1024 * 1024  # the training rules are 110 kB
# Control characters have no place in AsciiDoc; tab, line feed, carriage return and form
# feed do (asciidoctor reads the last as white space).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_source(data: bytes, *, name: str = "the file", max_bytes: int = MAX_SOURCE_BYTES) -> str:
    """``data`` as text (UTF-8, with or without a byte order mark), or RulesError saying why
    not: too large, not UTF-8, control characters (a binary file), or nothing but white space.
    """
    if len(data) > max_bytes:
        raise RulesError(f"{name} is {len(data):,} bytes; a rule document may have {max_bytes:,}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RulesError(
            f"{name} is not UTF-8 text: byte 0x{data[error.start]:02x} on line {line} "
            "cannot be decoded (save it as UTF-8)"
        ) from error
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise RulesError(
            f"{name} is not a text file: it holds the control character "
            f"U+{ord(control.group()):04X} on line {line}"
        )
    if not text.strip():
        raise RulesError(f"{name} is empty")
    return text


def content_hash(source: str) -> str:
    """The SHA-256 of the source's UTF-8 bytes: equal hashes mean an identical revision."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()
