"""Turning the official compliance checker's messages into short, actionable findings.

The official messages are long (they dump the checker state) and point at the index of a line
among MLLOG lines; a finding says what is wrong in a sentence, points at the real file line, and
keeps the official text in ``detail``.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any

from submissions.checker.compliance import PARSE_ERROR_MESSAGE, RawMessage, parsed_rules
from submissions.checker.mllog_text import MllogText
from submissions.checker.official import COMPLIANCE_ROOT
from submissions.checker.reports import ERROR, Finding

_DETAIL_LIMIT = 2000
MAX_PARSE_FINDINGS = 20

_CHECK_FAILED = re.compile(
    r"^CHECK for '(?P<key>.*?)' failed in line .*?\nfailed test: (?P<test>[^\n]*)", re.S
)
_CHECK_RAISED = re.compile(
    r"^Failed executing CHECK code:\n(?P<test>[^\n]*)\ntriggered by line:", re.S
)
_END_FAILED = re.compile(r"^failed test: (?P<test>[^\n]*)")
_END_RAISED = re.compile(r"^Failed executing CHECK code:\n(?P<test>[^\n]*)\ncurrent context")
_CODE_RAISED = re.compile(r"^Failed executing code (?P<action>\w+) code triggered by line")
_AT_LEAST_ONE_CHECK = re.compile(r"^Failed checks for (?P<key>.*?) : (?P<test>.*)$", re.S)
_EXACTLY_ONE = re.compile(
    r"^Required EXACTLY_ONE occurrence of '(?P<key>.*?)' but found (?P<n>\d+)"
)
_AT_LEAST_ONE = re.compile(
    r"^Required AT_LEAST_ONE occurrence of '(?P<key>.*?)' but found (?P<n>\d+)"
)
_AT_LEAST_N = re.compile(
    r"^Required AT_LEAST\((?P<need>\d+)\) occurrence of '(?P<key>.*?)' but found (?P<n>\d+)"
)
_ONE_OF = re.compile(r"^Required AT_LEAST_ONE occurrence of (?P<alts>'.*')$", re.S)
_NO_CONFIG = re.compile(r"^Could not find config file: (?P<path>.*)$", re.S)


def clean_text(text: str, limit: int = _DETAIL_LIMIT) -> str:
    """Text safe to show and to store: no install paths, no NUL bytes, bounded length."""
    text = text.replace(COMPLIANCE_ROOT + os.sep, "").replace("\x00", "\ufffd")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value_text(logline: Any) -> str:
    try:
        value = logline.value["value"]
        shown = json.dumps(value)
    except (TypeError, ValueError, KeyError):
        return "?"
    return shown if len(shown) <= 80 else shown[:79] + "…"


def _occurrences(loglines: list[Any], key: str) -> list[Any]:
    return [logline for logline in loglines if logline.key == key]


def _summary(message: RawMessage, loglines: list[Any]) -> tuple[str, str, Any | None]:
    """(sentence, rule key, log line to point at) for one official message."""
    text, key, line = message.text, message.key or "", message.logline
    if m := _CHECK_FAILED.match(text):
        return (
            f"'{m['key']}' fails the rule `{m['test'].strip()}` (logged value: "
            f"{_value_text(line)}); log what the rule requires.",
            m["key"], line,
        )  # fmt: skip
    if m := _CHECK_RAISED.match(text):
        return (
            f"The rule `{m['test'].strip()}` for '{key}' cannot be evaluated on this line; "
            "its value or metadata is missing or has the wrong type.",
            key, line,
        )  # fmt: skip
    if m := _CODE_RAISED.match(text):
        return (
            f"The {m['action']} step of the rule for '{key}' fails on this line; its value or "
            "metadata is missing or has the wrong type.",
            key, line,
        )  # fmt: skip
    if m := _AT_LEAST_ONE_CHECK.match(text):
        found = _occurrences(loglines, m["key"])
        return (
            f"No '{m['key']}' line satisfies `{m['test'].strip()}`: the run does not reach the "
            "target quality, or logs it in another unit.",
            f"{m['key']} (ATLEAST_ONE_CHECK)", found[-1] if found else None,
        )  # fmt: skip
    if m := _EXACTLY_ONE.match(text):
        found, count = _occurrences(loglines, m["key"]), int(m["n"])
        if count == 0:
            sentence = f"'{m['key']}' is missing; the rules require it exactly once."
        elif message.severity != ERROR:
            sentence = f"'{m['key']}' is logged {count} times with the same value; log it once."
        else:
            sentence = f"'{m['key']}' is logged {count} times with different values; log it once."
        return sentence, m["key"], found[1] if len(found) > 1 else None
    if m := _AT_LEAST_ONE.match(text):
        return f"'{m['key']}' is missing; log it at least once.", m["key"], None
    if m := _AT_LEAST_N.match(text):
        return (
            f"'{m['key']}' is logged {m['n']} times; the rules require at least {m['need']}.",
            m["key"], None,
        )  # fmt: skip
    if m := _ONE_OF.match(text):
        return f"None of {m['alts']} is logged; log at least one of them.", "", None
    if m := _END_RAISED.match(text):
        return f"The end-of-log rule `{m['test'].strip()}` cannot be evaluated.", "END", None
    if m := _END_FAILED.match(text):
        return f"The end-of-log rule `{m['test'].strip()}` fails.", "END", None
    if m := _NO_CONFIG.match(text):
        return (
            f"The log selects rules that do not exist ({clean_text(m['path'], 200)}); check "
            "submission_division and submission_benchmark.",
            "", None,
        )  # fmt: skip
    if text == "No log lines detected":
        return (
            "The file has no ':::MLLOG ' lines; upload the unmodified log of the run.",
            "",
            None,
        )
    return clean_text(text.splitlines()[0] if text else "Compliance check failed.", 300), key, line


def compliance_findings(
    messages: list[RawMessage], text: MllogText, loglines: list[Any], relpath: str
) -> list[Finding]:
    """One finding per root cause, each with a file line.

    A missing key makes the rules that wait for it fail on later lines ("'run_stop' fails the
    rule s['run_started']" when run_start is missing); those follow-on failures are folded into
    the finding about the missing key, which points at the first line that needed it. A
    finding that is about the whole log (a missing key, an end-of-log rule) points at the last
    MLLOG line, where the checker tested it.
    """
    summaries = []
    for message in messages:
        if message.text == PARSE_ERROR_MESSAGE:
            continue  # reported line by line by parse_findings
        sentence, rule_key, line = _summary(message, loglines)
        summaries.append((message, sentence, rule_key, line))
    missing = {
        _missing_key(message.text): index
        for index, (message, *_rest) in enumerate(summaries)
        if _missing_key(message.text)
    }
    follow_ons: dict[int, list[tuple[RawMessage, Any]]] = {}
    kept = []
    for message, sentence, rule_key, line in summaries:
        cause = _waits_for(message, missing)
        if cause is not None:
            follow_ons.setdefault(cause, []).append((message, line))
        else:
            kept.append((message, sentence, rule_key, line))
    end_line = text.file_line(len(text.mllog_lines) - 1)
    findings = []
    for message, sentence, rule_key, line in kept:
        index = missing.get(_missing_key(message.text) or "")
        later = follow_ons.get(index, []) if index is not None else []
        where = text.file_line(line.lineno) if line is not None else None
        detail = message.text
        if later:
            lines = sorted(
                n for _, ll in later if ll is not None and (n := text.file_line(ll.lineno))
            )
            where = lines[0] if lines else where
            shown = ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
            sentence += f" Later lines fail because of it (line {shown})."
            detail += "".join("\n\n" + m.text for m, _ in later)
        elif where is None and end_line is not None:
            where = end_line
            sentence += " (Checked at the end of the log.)"
        config = message.config or "compliance_checker"
        findings.append(
            Finding(
                check="compliance",
                severity=message.severity,
                path=relpath,
                line=where,
                message=clean_text(sentence, 400),
                rule=f"{config}: {rule_key}" if rule_key else config,
                detail=clean_text(detail),
            )
        )
    return findings


_STATE_SET = re.compile(r"s\[['\"](\w+)['\"]\]\s*=\s*True")
_STATE_READ = re.compile(r"s\[['\"](\w+)['\"]\]")


def _missing_key(text: str) -> str | None:
    for pattern in (_EXACTLY_ONE, _AT_LEAST_ONE):
        if (m := pattern.match(text)) and m.groupdict().get("n") == "0":
            return m["key"]
    return None


@functools.cache
def _state_setters(config: str) -> dict[str, str]:
    """Which key's rule sets each state flag (``s['run_started'] = True`` in run_start's
    POST), read from the pinned rule file (parsed, never executed here)."""
    path = os.path.realpath(os.path.join(COMPLIANCE_ROOT, config))
    if not path.startswith(COMPLIANCE_ROOT + os.sep) or not os.path.isfile(path):
        return {}
    setters = {}
    for record in parsed_rules(path) or []:
        key = record.get("KEY") if isinstance(record, dict) else None
        if isinstance(key, dict) and isinstance(key.get("POST"), str):
            for flag in _STATE_SET.findall(key["POST"]):
                setters[flag] = key.get("NAME", "")
    return setters


def _waits_for(message: RawMessage, missing: dict[str, int]) -> int | None:
    """The index of the missing-key message that made this rule fail, if that is the cause."""
    m = _CHECK_FAILED.match(message.text)
    if m is None or not message.config:
        return None
    setters = _state_setters(message.config)
    for flag in _STATE_READ.findall(m["test"]):
        key = setters.get(flag)
        if key in missing:
            return missing[key]
    return None


def parse_findings(
    errors: list[tuple[str, str]], text: MllogText, loglines: list[Any], relpath: str
) -> list[Finding]:
    """One finding per MLLOG line the official parser rejects (the first few of them)."""
    if not errors:
        return []
    parsed = {logline.lineno for logline in loglines}
    failed = [index for index in range(len(text.mllog_lines)) if index not in parsed]
    findings = [
        Finding(
            check="log-parse",
            severity=ERROR,
            path=relpath,
            line=text.file_line(index),
            message=clean_text(
                f"This ':::MLLOG' line cannot be parsed ({error}); each one must be a single JSON "
                "object with time_ms, key, value and metadata.",
                400,
            ),
            rule="mlp_parser: MLLOG line format",
            detail=clean_text(line),
        )
        for index, (line, error) in zip(failed, errors[:MAX_PARSE_FINDINGS], strict=False)
    ]
    if len(errors) > MAX_PARSE_FINDINGS:
        findings.append(
            Finding(
                check="log-parse",
                severity=ERROR,
                path=relpath,
                line=None,
                message=f"{len(errors) - MAX_PARSE_FINDINGS} more MLLOG lines cannot be parsed.",
                rule="mlp_parser: MLLOG line format",
            )
        )
    return findings


def crash_finding(crash: str, line: int | None, relpath: str) -> Finding:
    if crash.startswith("RulesOutsidePackageError"):
        sentence = (
            "The log selects rule files outside the official rules (through submission_division "
            "or submission_benchmark); log a valid division and benchmark name."
        )
    elif crash.startswith("FileNotFoundError"):
        sentence = (
            "The official checker stops on this log because it selects rules that do not exist; "
            "check submission_division and submission_benchmark."
        )
    else:
        sentence = (
            f"The official checker stops with an error on this log ({clean_text(crash, 160)}); "
            "until it is fixed the whole package fails."
        )
    return Finding(
        check="compliance",
        severity=ERROR,
        path=relpath,
        line=line,
        message=sentence,
        rule="compliance_checker: crash",
        detail=clean_text(crash),
    )
