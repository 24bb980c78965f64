"""Showing text that came from an upload (file and folder names, JSON values) in messages.

Invisible characters — controls, zero-width and other format characters, bidirectional
overrides, unusual spaces — are shown as escapes (``\\u200b``), so that a refusal says exactly
what the package holds and a name cannot pretend to be another.
"""

from __future__ import annotations

import unicodedata

_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


def _invisible(char: str) -> bool:
    return char != " " and unicodedata.category(char) in _INVISIBLE_CATEGORIES


def visible(text: str, limit: int = 200) -> str:
    shown = "".join(
        char.encode("unicode_escape").decode("ascii") if _invisible(char) else char for char in text
    )
    return shown if len(shown) <= limit else shown[:limit] + "…"
