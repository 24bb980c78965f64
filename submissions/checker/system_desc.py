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
from submissions.checker.official import USAGE, require_ruleset, with_globals
from submissions.checker.reports import ERROR, Finding

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
