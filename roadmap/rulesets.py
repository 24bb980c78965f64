"""The official checker rulesets this installation can apply (only the packaged ones)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path


def rules_folder() -> Path:
    """The pinned mlperf-logging's folder of compliance rule files (``training_<ruleset>/``).

    Imported on first use: the package pulls in NumPy, which web requests and management
    commands that never look at a ruleset should not pay for.
    """
    import mlperf_logging.compliance_checker as compliance_checker

    return Path(compliance_checker.__file__).parent


@cache
def known_rulesets() -> frozenset[str]:
    """Training rulesets shipped in the pinned mlperf-logging, e.g. {'5.1.0', '6.1.0', …}."""
    folder = rules_folder()
    names = (p.name.removeprefix("training_") for p in folder.glob("training_*") if p.is_dir())
    return frozenset(n for n in names if re.fullmatch(r"\d+\.\d+\.\d+", n))
