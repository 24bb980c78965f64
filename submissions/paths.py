"""Where things are in a submission package, written once.

A package is an organisation folder holding ``systems/<system>.json`` and
``results/<system>/<benchmark>/result_*.txt``; stored file paths are relative to the unpacked
archive, so they carry the organisation folder as a prefix when the archive had one. Pure
string functions: the checker (no Django), the pipeline, the review and the results use them.
"""

from __future__ import annotations

RESULTS = "results"
SYSTEMS = "systems"


def _join(*parts: str) -> str:
    return "/".join(part for part in parts if part)


def result_folder(system: str, benchmark: str, *, org_folder: str = "") -> str:
    """``[<org>/]results/<system>/<benchmark>`` (no trailing slash)."""
    return _join(org_folder, RESULTS, system, benchmark)


def system_results_folder(system: str, *, org_folder: str = "") -> str:
    return _join(org_folder, RESULTS, system)


def system_description(system: str, *, org_folder: str = "") -> str:
    """``[<org>/]systems/<system>.json``."""
    return _join(org_folder, SYSTEMS, f"{system}.json")


def relative_to_org(path: str, org_folder: str) -> str:
    """A stored path without the organisation folder prefix."""
    prefix = f"{org_folder}/" if org_folder else ""
    return path.removeprefix(prefix)


def is_in(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def names_result(target: str, system: str, benchmark: str) -> bool:
    """Whether an objection's target (relative to the organisation folder, "" for the whole
    submission) covers the result ``system``/``benchmark``: the submission, the system's
    description or results folder, the benchmark folder or a file in it."""
    if target in ("", system_results_folder(system), system_description(system)):
        return True
    return is_in(target, result_folder(system, benchmark))
