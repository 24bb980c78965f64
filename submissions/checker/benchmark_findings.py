"""Findings for the checks made on a whole benchmark folder (counts, olympic rule, seeds, RCP)."""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING

from submissions.checker.compliance_messages import clean_text
from submissions.checker.reports import ERROR, WARNING, Finding, LogResult

if TYPE_CHECKING:
    from submissions.checker.benchmark_check import Bypass
    from submissions.checker.power import PowerOutcome
    from submissions.checker.rcp import RcpOutcome
    from submissions.checker.seeds import SeedOutcome

_CRASH = ": crash"


def is_crash(finding: Finding) -> bool:
    """A place where the official package checker stops with a traceback (never a pass)."""
    return finding.rule.endswith(_CRASH)


def crash_finding(check: str, path: str, crash: str) -> Finding:
    name = os.path.basename(path)
    if check == "system-description":
        if crash.startswith("FileNotFoundError"):
            message = f"{path} is missing; every results/<system> folder needs one."
        elif crash.startswith("KeyError"):
            message = f'{path} has no "division" field; add "closed" or "open".'
        else:
            message = f"{path} cannot be read as a JSON object; fix it."
        rule = "package_checker: system description"
    elif check == "compliance":
        message = "The official package checker stops on this log; fix the errors reported on it."
        rule = "compliance_checker"
    elif name.startswith("result_"):
        message = f"{name} is not a regular file in this folder; replace it with the run's log."
        rule = "package_checker: result files"
    elif name == "package_checker_params":
        message = f"{path} cannot be read as text; it holds one flag per line."
        rule = "package_checker: params"
    elif check == "rcp":
        message = (
            "The RCP check cannot run: the logs must agree on one benchmark of this round and "
            "each must be readable; fix the errors reported on the logs."
        )
        rule = "rcp_checker"
    else:
        message = f"The official checker stops here ({clean_text(crash, 160)})."
        rule = f"{check}_checker"
    return Finding(check, ERROR, path, None, message, rule + _CRASH, clean_text(crash))


def params_findings(bypass: Bypass, path: str) -> list[Finding]:
    if bypass.crash is not None:
        return [crash_finding("layout", path, bypass.crash)]
    rule = "package_checker: package_checker_params"
    found = [
        Finding("layout", WARNING, path, None,
                f"'{flag}' is not the file's last line without a newline, so the official "
                "checker ignores it.", rule)
        for flag in bypass.near_misses
    ]  # fmt: skip
    for flag, used in (("rcp-bypass", bypass.rcp), ("seed-checker-bypass", bypass.seeds)):
        if used:
            found.append(
                Finding("layout", WARNING, path, None,
                        f"'{flag}' is in effect; the review committee must approve it.", rule)
            )  # fmt: skip
    return found


def count_finding(folder: str, benchmark: str, found: int, expected: int) -> Finding:
    return Finding(
        "run-count", ERROR, folder, None,
        f"Found {found} result_*.txt files; {benchmark} needs exactly {expected}. Add or remove "
        "runs (file names must match result_*.txt).",
        "package_checker: result file count",
        "Incorrect number of files in dir, or wrong file names in directory "
        f"{folder}, found {found}, expected {expected}",
    )  # fmt: skip


def extra_files_finding(folder: str, names: list[str]) -> list[Finding]:
    if not names:
        return []
    shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
    return [
        Finding("layout", WARNING, folder, None,
                f"{len(names)} file(s) do not match result_*.txt ({shown}); rename or remove them.",
                "package_checker: file names")
    ]  # fmt: skip


def olympic_finding(folder: str, benchmark: str, failing: list[str]) -> Finding | None:
    if not failing:
        return None
    names = ", ".join(failing)
    rule = "package_checker: olympic scoring"
    limit = 4 if benchmark == "unet3d" else 1
    if len(failing) <= limit:
        return Finding("compliance", WARNING, folder, None,
                       f"{len(failing)} run(s) do not comply ({names}); accepted under olympic "
                       "scoring as dropped runs.", rule)  # fmt: skip
    return Finding("compliance", ERROR, folder, None,
                   f"{len(failing)} runs do not comply ({names}); at most {limit} may. Fix the "
                   "logs or rerun.", rule)  # fmt: skip


def seed_findings(outcome: SeedOutcome, logs: list[LogResult], folder: str) -> list[Finding]:
    rule = "seed_checker: unique seeds"
    if outcome.crash is not None:
        return [crash_finding("seeds", folder, outcome.crash)]
    if outcome.bypassed:
        return [Finding("seeds", WARNING, folder, None, "The seed check is bypassed.", rule)]
    found = []
    for error in outcome.errors:
        log = _log_named_in(error, logs)
        path, line = (log.path, _seed_line(error, log)) if log else (folder, None)
        if " already logs the same seed " in error:
            message = (
                "This run reuses another run's seed on the same source line; each run needs its "
                "own seed."
            )
        elif error.endswith(" logs no seed."):
            message = "This run logs no seed; log it with the 'seed' key."
        elif "Found parsing errors:" in error:
            message = (
                "The seed check rejects this log because some ':::MLLOG' lines cannot be "
                "parsed; fix or remove those lines."
            )
        else:
            message = "The seed cannot be read from this log; log it as an integer 'seed' value."
        found.append(Finding("seeds", ERROR, path, line, message, rule, clean_text(error)))
    for warning in outcome.warnings:
        log = _log_named_in(warning, logs)
        found.append(
            Finding("seeds", WARNING, log.path if log else folder, None,
                    "This run logs more than one seed.", rule, clean_text(warning))
        )  # fmt: skip
    return found


def _log_named_in(message: str, logs: list[LogResult]) -> LogResult | None:
    for prefix in ("Result file ", "Error found when querying seeds from "):
        if message.startswith(prefix):
            rest = message[len(prefix) :]
            matches = [
                log
                for log in logs
                if rest.startswith(log.path + " ") or rest.startswith(log.path + ":")
            ]
            return max(matches, key=lambda log: len(log.path), default=None)
    return None


def _seed_line(error: str, log: LogResult) -> int | None:
    for index, record in enumerate(log.seeds or []):
        if f" logs seed {record[2]} on {record[0]}:{record[1]}." in error:
            return log.seed_lines[index] if index < len(log.seed_lines) else None
    return log.seed_lines[0] if log.seed_lines else None


def rcp_findings(outcome: RcpOutcome, folder: str) -> list[Finding]:
    rule = f"rcp_checker: {outcome.message or 'crash'}"
    if outcome.crash is not None:
        return [crash_finding("rcp", folder, outcome.crash)]
    if outcome.passed:
        if outcome.message.endswith("passed using rcp_bypass"):
            return [Finding("rcp", WARNING, folder, None,
                            "The RCP check fails but passes through the RCP bypass; expect a "
                            "review.", rule, outcome.message)]  # fmt: skip
        return []
    message = outcome.message
    if message == "Could not detect global_batch_size":
        text = (
            "The runs do not all log one global_batch_size; the RCP check needs a single "
            "batch size."
        )
    elif message == "Insufficient convergence":
        text = "More than one run did not converge (run_stop status not success); at most one may."
    elif message in {"RCP found", "RCP Interpolation"}:
        text = (
            "The runs converge faster than the reference allows (mean "
            f"{_num(outcome.submission_mean)} vs at least {_num(outcome.min_mean)}, RCP mean "
            f"{_num(outcome.rcp_mean)}, batch size {outcome.batch_size}); check the "
            "hyperparameters or ask for an RCP review."
        )
    elif message.startswith("Missing RCP"):
        text = (
            f"No reference convergence points for batch size {outcome.batch_size}; submit RCPs "
            "for it."
        )
    else:
        text = f"The RCP check fails: {clean_text(message, 200)}."
    return [Finding("rcp", ERROR, folder, None, text, rule, clean_text(message))]


def _num(value: float | None) -> str:
    return "?" if value is None or not math.isfinite(value) else f"{value:.1f}"


def power_findings(outcome: PowerOutcome, folder: str) -> list[Finding]:
    if outcome.crash is not None:
        return [crash_finding("power", f"{folder}/power", outcome.crash)]
    return [
        Finding("power", WARNING, f"{folder}/power", None,
                clean_text(_relative(warning, folder), 300), "power_checker", "")
        for warning in outcome.warnings
    ]  # fmt: skip


def _relative(text: str, folder: str) -> str:
    marker = "/" + folder + "/"
    while marker in text:
        start = text.rfind(" ", 0, text.index(marker)) + 1
        text = text[:start] + text[text.index(marker) + 1 :]
    return text


def scaling_finding(
    folder: str, present: bool, uploaded: float, error: str | None, rcp: RcpOutcome | None
) -> list[Finding]:
    path = f"{folder}/scaling.json"
    rule = "result_summarizer: scaling.json"
    rewritten = rcp is not None and rcp.crash is None and rcp.scaling_reset
    if error is not None and not rewritten:
        message = (
            "scaling.json cannot be read, so the results summarizer fails on it; remove it "
            "(the package checker writes it)."
        )
        return [Finding("scoring", WARNING, path, None, message, rule, clean_text(error))]
    if rewritten and rcp is not None and error is None and present:
        effective = rcp.scaling_written if rcp.scaling_written is not None else 1.0
        if effective != uploaded:
            return [Finding("scoring", WARNING, path, None,
                            f"scaling.json says {uploaded!r} but the RCP check gives "
                            f"{effective!r}; the official checker replaces it.", rule)]  # fmt: skip
    return []
