"""The official checker rulesets this installation can apply (only the packaged ones), and the
reference convergence point (RCP) set each of them ships."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

USAGE = "training"


def rules_folder() -> Path:
    """The pinned mlperf-logging's folder of compliance rule files (``training_<ruleset>/``).

    Imported on first use: the package pulls in NumPy, which web requests and management
    commands that never look at a ruleset should not pay for.
    """
    import mlperf_logging.compliance_checker as compliance_checker

    return Path(compliance_checker.__file__).parent


def rcp_folder() -> Path:
    """The pinned mlperf-logging's folder of RCP files (``training_<ruleset>/rcps_*.json``),
    imported on first use for the same reason."""
    import mlperf_logging.rcp_checker as rcp_checker

    return Path(rcp_checker.__file__).parent


@cache
def known_rulesets() -> frozenset[str]:
    """Training rulesets shipped in the pinned mlperf-logging, e.g. {'5.1.0', '6.1.0', …}."""
    folder = rules_folder()
    names = (p.name.removeprefix("training_") for p in folder.glob("training_*") if p.is_dir())
    return frozenset(n for n in names if re.fullmatch(r"\d+\.\d+\.\d+", n))


@dataclass(frozen=True)
class RcpSet:
    """The RCP files of one ruleset, as the installed package ships them."""

    name: str  # the folder: "training_6.0.0"
    digest: str  # SHA-256 over every file's name and bytes, in name order
    benchmarks: tuple[str, ...]


@cache
def rcp_set(ruleset: str) -> RcpSet | None:
    """The RCP set of ``ruleset``, or None when the package has none for it (the rulesets
    before RCPs existed). The digest pins the exact points a frozen round is checked with."""
    folder = rcp_folder() / f"{USAGE}_{ruleset}"
    files = sorted(folder.glob("rcps_*.json")) if folder.is_dir() else []
    if not files:
        return None
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return RcpSet(
        name=folder.name,
        digest=digest.hexdigest(),
        benchmarks=tuple(p.stem.removeprefix("rcps_") for p in files),
    )


@cache
def checker_version() -> str:
    """The installed mlperf-logging, e.g. '4.1.68'."""
    return importlib.metadata.version("mlperf-logging")
