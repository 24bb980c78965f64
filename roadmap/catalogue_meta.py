"""What the pinned ``mlperf-logging`` package says about a benchmark in one ruleset: how many
runs it needs and the closed-division quality target its checker applies.

The rule files are read as data only (``yaml.safe_load``); the Python expressions inside them
are parsed for their numbers with regular expressions and never run.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from roadmap.rulesets import rules_folder

_VALUE = r"v\['value'\](?:\['(?P<metric>\w+)'\])?"
_NUMBER = r"(?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
_SIMPLE = re.compile(_VALUE + r"\s*(?P<op>>=|<=|>|<)\s*" + _NUMBER)
_CHAINED = re.compile(
    r"(?P<low>\d+(?:\.\d+)?)\s*<=\s*" + _VALUE + r"\s*<=\s*(?P<high>\d+(?:\.\d+)?)"
)
_STATE = re.compile(r"s\['(\w+)'\]")
_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def round_benchmark_values(ruleset: str, slug: str) -> dict[str, Any]:
    """The fields of a ``BenchmarkVersion`` that come from the package."""
    from mlperf_logging.benchmark_meta import get_result_file_counts  # loaded on first use

    return {
        "runs_required": get_result_file_counts("training")[slug],
        "target": closed_target(ruleset, slug),
    }


@cache
def closed_target(ruleset: str, slug: str) -> str:
    """E.g. ``eval_accuracy ≥ 0.720`` or ``FID ≤ 90.0 and CLIP ≥ 0.15``; '' when the rule file
    has no target this reader understands (the catalogue's text is shown instead)."""
    path = rules_folder() / f"training_{ruleset}" / f"closed_{slug}.yaml"
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    for entry in yaml.safe_load(text) or []:
        key = entry.get("KEY") if isinstance(entry, dict) else None
        if not key or "ATLEAST_ONE_CHECK" not in key:
            continue
        if key.get("NAME") not in ("eval_accuracy", "aggregated_eval_accuracy"):
            continue
        return _describe(_resolve_state(str(key["ATLEAST_ONE_CHECK"]), text))
    return ""


def _resolve_state(expression: str, text: str) -> str:
    """Replace ``s['target_accuracy']`` by the number the file's BEGIN block assigns it."""

    def number(match: re.Match[str]) -> str:
        found = re.search(rf"'{match.group(1)}'\s*:\s*" + _NUMBER, text)
        return found.group("number") if found else match.group(0)

    return _STATE.sub(number, expression)


def _describe(expression: str) -> str:
    parts = []
    for match in _CHAINED.finditer(expression):
        metric = match.group("metric") or "eval_accuracy"
        low, high = match.group("low"), match.group("high")
        # 0 and 1 are the sanity bounds of a score; the other end is the target.
        if float(low) != 0.0:
            parts.append(f"{metric} ≥ {low}")
        if float(high) != 1.0 or float(low) == 0.0:
            parts.append(f"{metric} ≤ {high}")
    expression = _CHAINED.sub("", expression)
    for match in _SIMPLE.finditer(expression):
        op, value = match.group("op"), float(match.group("number"))
        if (op in ("<", "<=") and value == 1.0) or (op in (">", ">=") and value == 0.0):
            continue
        parts.append(
            f"{match.group('metric') or 'eval_accuracy'} {_SYMBOL[op]} {match.group('number')}"
        )
    return " and ".join(parts)
