"""Rulesets of our own in the official checker's YAML format, shipped inside a Python package.

The service's small reference benchmarks are not MLPerf benchmarks, so no official ruleset
names them; their logs are checked by the same compliance code against rule files that ship
with the project. Rule files contain Python that the checker executes, so a ruleset is located
only through the import system (a package on ``sys.path``, i.e. installed code), never from a
path a user supplies, and while it is checked every rule file it loads must sit inside it.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass

_NAME = re.compile(r"[a-z][a-z0-9]*_\d+\.\d+\.\d+")


@dataclass(frozen=True)
class PackagedRules:
    name: str
    """The folder of the rule files, named like the official ones (``reference_1.0.0``)."""
    root: str
    """Real path of the package folder that holds ``<name>/common.yaml``."""
    parser_ruleset: str
    """The official ruleset whose MLLOG parser reads these logs (e.g. ``6.1.0``)."""

    @property
    def entry(self) -> str:
        """The first rule file, as ``<usage>_<ruleset>/common.yaml`` is for the official ones."""
        return os.path.join(self.root, self.name, "common.yaml")


def packaged_rules(package: str, *, name: str, parser_ruleset: str) -> PackagedRules:
    """The ruleset ``name`` inside the importable package ``package``; ValueError otherwise."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"ruleset name {name!r} must look like 'reference_1.0.0'")
    from submissions.checker.official import require_ruleset  # the checkers load on first use

    require_ruleset(parser_ruleset)
    try:
        spec = importlib.util.find_spec(package)
    except ImportError:
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if len(locations) != 1:
        raise ValueError(f"{package!r} is not an installed regular package")
    root = os.path.realpath(locations[0])
    rules = PackagedRules(name=name, root=root, parser_ruleset=parser_ruleset)
    if not os.path.isfile(rules.entry):
        raise ValueError(f"{package!r} has no {name}/common.yaml")
    return rules
