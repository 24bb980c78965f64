"""Reading a result log once: its text lines, its MLLOG lines and their real line numbers.

The official tools read a log with ``open(path, encoding="latin-1")`` (universal newlines) and
keep, for every line containing ``:::MLLOG ``, the text from the last occurrence of that token
(``re.sub(".*" + TOKEN, TOKEN, line)``). That regular expression backtracks over the whole line
and dominates parse time, so we compute the same result with ``str.rfind``; the equivalence is
a property test against the official function (tests/submissions/checker).
"""

from __future__ import annotations

import functools
import importlib
import types
from dataclasses import dataclass
from typing import Any

from submissions.checker.official import with_globals

TOKEN = ":::MLLOG "
_SUB_PATTERN = ".*" + TOKEN


def clean_mllog_line(line: str) -> str:
    """Exactly ``re.sub(".*" + TOKEN, TOKEN, line)``, without the backtracking regex.

    ``.`` does not match a newline, so the regex cuts each newline-separated segment at its
    last token; a segment without the token is left alone.
    """
    cut = line.rfind(TOKEN)
    if cut <= 0:
        return line
    if "\n" not in line[:cut]:
        # Only the first segment holds tokens (the line as the official reader yields it).
        return line[cut:]
    segments = line.split("\n")
    for index, segment in enumerate(segments):
        cut = segment.rfind(TOKEN)
        if cut > 0:
            segments[index] = segment[cut:]
    return "\n".join(segments)


def universal_lines(data: bytes) -> list[str]:
    """The lines that iterating ``open(path, encoding="latin-1")`` over ``data`` yields."""
    text = data.decode("latin-1")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


@dataclass(frozen=True)
class MllogText:
    """One log as the official parser sees it, plus where each MLLOG line sits in the file."""

    lines: list[str]
    """Every line, as text-mode iteration yields it (newline kept)."""
    mllog_lines: list[str]
    """What the official ``strip_and_dedup`` returns for this file."""
    line_numbers: list[int]
    """1-based file line number of each entry of ``mllog_lines``."""

    def file_line(self, mllog_index: int) -> int | None:
        """The real line number of the official parser's ``LogLine.lineno``."""
        if isinstance(mllog_index, int) and 0 <= mllog_index < len(self.line_numbers):
            return self.line_numbers[mllog_index]
        return None


def read_mllog(data: bytes) -> MllogText:
    lines = universal_lines(data)
    mllog_lines: list[str] = []
    line_numbers: list[int] = []
    for number, line in enumerate(lines, start=1):
        if TOKEN in line:
            mllog_lines.append(clean_mllog_line(line))
            line_numbers.append(number)
    return MllogText(lines=lines, mllog_lines=mllog_lines, line_numbers=line_numbers)


def _already_cleaned(lines: list[str]) -> list[str]:
    return lines


@functools.cache
def _parser_module(ruleset: str) -> types.ModuleType:
    # mlp_parser.parse_file dispatches on the ruleset to one module per version; we take the
    # same module so that a future divergence between versions is honoured.
    return importlib.import_module(
        "mlperf_logging.compliance_checker.mlp_parser.ruleset_" + ruleset.replace(".", "")
    )


@functools.cache
def _parse_generator(ruleset: str) -> types.FunctionType:
    module = _parser_module(ruleset)
    return with_globals(module.parse_generator, strip_and_dedup=_already_cleaned)


def parse_mllog(text: MllogText, ruleset: str) -> tuple[list[Any], list[tuple[str, str]]]:
    """``mlp_parser.parse_file`` on this text: (LogLines, parse errors).

    Raises whatever the official parser raises (it lets everything but ValueError escape, e.g.
    a KeyError for a JSON line without ``time_ms``).
    """
    return _parse_generator(ruleset)(list(text.mllog_lines))


def crashing_line(text: MllogText, ruleset: str) -> int | None:
    """The file line on which the official parser raises, if it does."""
    string_to_logline = _parser_module(ruleset).string_to_logline
    for index, line in enumerate(text.mllog_lines):
        try:
            string_to_logline(index, line.strip())
        except ValueError:
            continue
        except Exception:
            return text.line_numbers[index]
    return None


class FastTokenRe:
    """Stands in for ``re`` inside official readers that clean lines with the slow regex."""

    def __init__(self) -> None:
        import re

        self._re = re

    def sub(self, pattern: str, repl: str, string: str, *args: Any, **kwargs: Any) -> str:
        if pattern == _SUB_PATTERN and repl == TOKEN and not args and not kwargs:
            return clean_mllog_line(string)
        return self._re.sub(pattern, repl, string, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._re, name)


FAST_RE = FastTokenRe()
