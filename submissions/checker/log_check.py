"""Checking one result log: read it once and derive everything the package checks need."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from submissions.checker.compliance import ComplianceOutcome, describe_exception, run_compliance
from submissions.checker.compliance_messages import (
    compliance_findings,
    crash_finding,
    parse_findings,
)
from submissions.checker.mllog_text import MllogText, crashing_line, parse_mllog, read_mllog
from submissions.checker.official import require_ruleset
from submissions.checker.packaged_rules import PackagedRules
from submissions.checker.rcp import read_convergence
from submissions.checker.reports import LogResult
from submissions.checker.scoring import query_run_start_stop, time_to_train_minutes
from submissions.checker.seeds import seed_records


def check_log(
    path_or_bytes: bytes | str | os.PathLike[str],
    *,
    ruleset: str,
    relpath: str,
    rules: PackagedRules | None = None,
) -> LogResult:
    """Check one result log as the official package checker would.

    Pure apart from reading ``path_or_bytes`` when it is a path (an unreadable path raises
    OSError). Hostile content never raises: it becomes findings. With ``rules`` (a packaged
    ruleset of our own, whose name must be ``ruleset``) the log is parsed as its parser ruleset
    says and checked against those rules instead of an official ruleset; such logs have no
    reference convergence points, so no RCP reading is taken.
    """
    if rules is None:
        parser_ruleset = require_ruleset(ruleset)
    elif rules.name != ruleset:
        raise ValueError(f"the packaged rules are {rules.name!r}, not {ruleset!r}")
    else:
        parser_ruleset = rules.parser_ruleset
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        data = bytes(path_or_bytes)
    else:
        data = Path(path_or_bytes).read_bytes()
    text = read_mllog(data)
    try:
        loglines, errors = parse_mllog(text, parser_ruleset)
        parse_crash: BaseException | None = None
    except Exception as exc:
        loglines, errors, parse_crash = [], [], exc

    # Everything the other official tools read comes before the compliance run: the rule code
    # executed there receives the parsed lines, and the other tools parse the file afresh.
    seeds, seeds_error = seed_records(loglines, errors, parse_crash, parser_ruleset)
    rcp, rcp_error = read_convergence(text, ruleset) if rules is None else (None, None)
    facts = _facts(loglines)
    start, stop = query_run_start_stop(loglines)

    if parse_crash is not None:
        outcome = ComplianceOutcome(compliant=False, crash=describe_exception(parse_crash))
    else:
        outcome = run_compliance(loglines, errors, ruleset, rules)

    findings = parse_findings(errors, text, loglines, relpath)
    findings += compliance_findings(outcome.messages, text, loglines, relpath)
    if outcome.crash is not None:
        line = crashing_line(text, parser_ruleset) if parse_crash is not None else None
        findings.append(crash_finding(outcome.crash, line, relpath))

    minutes = None
    if outcome.compliant and start is not None and stop is not None:
        minutes = time_to_train_minutes(start, stop)
    return LogResult(
        path=relpath,
        sha256=hashlib.sha256(data).hexdigest(),
        ruleset=ruleset,
        compliant=outcome.compliant,
        findings=findings,
        compliance_crash=outcome.crash,
        seeds=seeds,
        seeds_error=seeds_error,
        seed_lines=_seed_lines(text, loglines) if seeds else [],
        rcp=rcp,
        rcp_error=rcp_error,
        run_start_ms=start,
        run_stop_ms=stop,
        time_to_train_minutes=minutes,
        **facts,
    )


def _first_string(loglines: list[Any], key: str) -> str | None:
    for logline in loglines:
        if logline.key == key:
            value = logline.value.get("value")
            return value if isinstance(value, str) else None
    return None


def _facts(loglines: list[Any]) -> dict[str, str | None]:
    status = None
    for logline in loglines:
        if logline.key == "run_stop":
            metadata = logline.value.get("metadata")
            found = metadata.get("status") if isinstance(metadata, dict) else None
            status = found if isinstance(found, str) else None
            break
    return {
        "benchmark": _first_string(loglines, "submission_benchmark"),
        "division": _first_string(loglines, "submission_division"),
        "org": _first_string(loglines, "submission_org"),
        "platform": _first_string(loglines, "submission_platform"),
        "status": status,
    }


def _seed_lines(text: MllogText, loglines: list[Any]) -> list[int]:
    return [
        line
        for logline in loglines
        if logline.key == "seed" and (line := text.file_line(logline.lineno)) is not None
    ]
