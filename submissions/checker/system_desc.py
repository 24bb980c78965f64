"""System descriptions (``systems/<system>.json``): the official checker, and the division read."""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlperf_logging.system_desc_checker import system_desc_checker

from submissions.checker.compliance_messages import clean_text
from submissions.checker.counts import COUNT_FIELDS, MAX_COUNT, read_count
from submissions.checker.official import USAGE, require_ruleset, with_globals
from submissions.checker.reports import ERROR, WARNING, Finding

_RULE = "system_desc_checker"


class _ReasonRecorder:
    """Stands in for ``logging`` in ``check_system_desc``: its reasons only go to the log."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def error(self, _msg: str, _system_name: Any = None, reasons: Any = None, *_: Any) -> None:
        if isinstance(reasons, list):
            self.reasons.extend(str(reason) for reason in reasons)

    def info(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def check_system_descriptions(org_dir: Path, *, ruleset: str) -> list[Finding]:
    """The package checker's ``check_systems``: every ``systems/*.json`` through the official check.

    A file on which the official checker raises (invalid JSON, a non-string value shown in the
    results table) gets an error finding: the official package checker stops there.
    """
    require_ruleset(ruleset)
    folder = os.fspath(org_dir)
    system_folder = os.path.join(folder, "systems")
    findings: list[Finding] = []
    for json_file in sorted(glob.glob(f"{system_folder}/*.json")):
        relpath = f"systems/{os.path.basename(json_file)}"
        recorder = _ReasonRecorder()
        check = with_globals(system_desc_checker.check_system_desc, logging=recorder)
        try:
            valid = check(json_file, USAGE, ruleset)[0]
        except Exception as exc:
            findings.append(_crash_finding(exc, relpath))
            continue
        if not valid:
            findings.extend(_reason_finding(reason, relpath) for reason in recorder.reasons)
        findings += count_findings(json_file, relpath)
    return findings


def count_findings(json_file: str, relpath: str) -> list[Finding]:
    try:
        with open(json_file, encoding="utf-8") as stream:
            contents = json.load(stream)
    except (OSError, ValueError):
        return []  # the official check reports an unreadable file
    if not isinstance(contents, dict):
        return []
    findings = []
    for name, allow_zero in COUNT_FIELDS.items():
        if name not in contents or read_count(contents[name], allow_zero=allow_zero) is not None:
            continue
        shown = json.dumps(contents[name], ensure_ascii=True)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        findings.append(
            Finding(
                check="system-description",
                severity=WARNING,
                path=relpath,
                line=None,
                message=(
                    f'Field "{name}" is {shown}; it must be a whole number from '
                    f"{0 if allow_zero else 1} to {MAX_COUNT:,}. The results tables leave the "
                    "count empty until it is fixed."
                ),
                rule=f"{_RULE}: {name}",
            )
        )
    return findings


def _reason_finding(reason: str, relpath: str) -> Finding:
    if reason.startswith("Missing field "):
        name = reason[len("Missing field ") :]
        message = f'Field "{name}" is missing; add it (an empty string is accepted).'
    elif reason.startswith("Field status contains a non valid value"):
        message = (
            'Field "status" must be one of "Available on-premise", "Available cloud", '
            '"Research, Development, or Internal (RDI)", "Preview".'
        )
    else:
        message = clean_text(reason, 300)
    return Finding(
        check="system-description",
        severity=ERROR,
        path=relpath,
        line=None,
        message=message,
        rule=f"{_RULE}: required fields",
        detail=clean_text(reason),
    )


def _crash_finding(exc: Exception, relpath: str) -> Finding:
    line = None
    if isinstance(exc, json.JSONDecodeError):
        line = exc.lineno
        message = f"Not valid JSON ({exc.msg}); fix the syntax."
    elif isinstance(exc, OSError):
        message = "The file cannot be read; it must be a regular JSON file."
    else:
        message = (
            "The official checker stops on this file; it must be a JSON object whose values "
            "are strings."
        )
    return Finding(
        check="system-description",
        severity=ERROR,
        path=relpath,
        line=line,
        message=message,
        rule=f"{_RULE}: crash",
        detail=clean_text(f"{type(exc).__name__}: {exc}"),
    )


@dataclass(frozen=True)
class SystemDivision:
    closed: bool
    division: str
    crash: str | None = None


def read_division(org_dir: Path, system: str) -> SystemDivision:
    """The package checker's division lookup for a results/<system> folder.

    Copied from ``check_training_result_files`` (it is inline there): the package checker
    stops with a traceback when the file is missing, is not JSON, or has no "division".
    """
    system_desc_file = os.path.join(os.fspath(org_dir), "systems/") + system + ".json"
    try:
        with open(system_desc_file) as f:
            contents = json.load(f)
            closed = contents["division"] == "closed"
    except Exception as exc:
        return SystemDivision(False, "", f"{type(exc).__name__}: {exc}")
    division = contents["division"]
    return SystemDivision(closed, division if isinstance(division, str) else "")


# The fields ``result_summarizer.summarize_results`` reads for a row; without one of them it
# prints a FieldError and leaves the system out of the tables.
SUMMARIZER_FIELDS = (
    "division", "status", "submitter", "system_name", "host_processor_model_name",
    "number_of_nodes", "host_processor_core_count", "host_processors_per_node",
    "accelerator_model_name", "accelerators_per_node", "framework", "hw_notes", "sw_notes",
)  # fmt: skip


def summarizer_drops(org_dir: Path, system: str) -> str | None:
    """Why the official result summarizer leaves this system out of the tables (no score for
    any of its benchmarks), or None when it makes a row for it.

    It skips a system whose description is missing or not JSON, or lacks a field of the table;
    counts that are not whole numbers make it stop altogether, which we treat as leaving this
    system out.
    """
    path = os.path.join(os.fspath(org_dir), "systems", f"{system}.json")
    if not os.path.exists(path):
        return f"systems/{system}.json is missing"
    try:
        with open(path) as stream:
            contents = json.load(stream)
    except (OSError, ValueError):
        return f"systems/{system}.json is not JSON"
    if not isinstance(contents, dict):
        return f"systems/{system}.json is not a JSON object"
    missing = [name for name in SUMMARIZER_FIELDS if name not in contents]
    if missing:
        return f'systems/{system}.json has no "{missing[0]}"'
    for name in ("host_processors_per_node", "accelerators_per_node", "number_of_nodes"):
        try:
            int(contents[name])
        except (TypeError, ValueError):
            return f'"{name}" in systems/{system}.json is not a whole number'
    return None
