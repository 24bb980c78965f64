"""MLCommons' ``mlperf-sysinfo``, where a runner's machine has it: the machine's system
description as a submission would carry it, checked with the official system-description
checker (the same code that checks submitted ``systems/*.json``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOOL = "mlperf-sysinfo"
CAPTURE_TIMEOUT_S = 300


@dataclass
class SystemDescription:
    content: dict[str, Any] | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


def capture_command(config: Path) -> list[str]:
    return [TOOL, "capture", "-c", str(config)]


def capture(config: Path | None, *, ruleset: str) -> SystemDescription | None:
    """Run ``mlperf-sysinfo capture`` with the operator's config; None when not set up here."""
    if config is None or shutil.which(TOOL) is None:
        return None
    with tempfile.TemporaryDirectory(prefix="sysinfo-") as work:
        try:
            done = subprocess.run(
                capture_command(config.resolve()),
                cwd=work,
                capture_output=True,
                text=True,
                timeout=CAPTURE_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return SystemDescription(None, error=f"{TOOL} did not finish: {exc}")
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return SystemDescription(
                None, error=f"{TOOL} exited with status {done.returncode}: {' / '.join(tail)}"
            )
        return _read_and_check(Path(work), ruleset)


def _read_and_check(work: Path, ruleset: str) -> SystemDescription:
    written = sorted(p for p in work.rglob("*.json") if p.is_file())
    if not written:
        return SystemDescription(None, error=f"{TOOL} wrote no JSON system description")
    try:
        content = json.loads(written[0].read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return SystemDescription(None, error=f"{TOOL} wrote an unreadable file: {exc}")
    if not isinstance(content, dict):
        return SystemDescription(None, error=f"{TOOL} wrote JSON that is not an object")
    # The official checker reads an organisation folder's systems/*.json.
    org = work / "checked"
    (org / "systems").mkdir(parents=True)
    shutil.copyfile(written[0], org / "systems" / written[0].name)
    from submissions.checker import check_system_descriptions  # the checkers load on first use

    findings = check_system_descriptions(org, ruleset=ruleset)
    return SystemDescription(content, [finding.to_dict() for finding in findings])
