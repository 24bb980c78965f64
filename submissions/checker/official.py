"""The pinned official checker (``mlperf-logging``) and the seams we use to drive it as a library.

We reuse the official code rather than re-implement its rules: verdicts must be identical, and
the rules change with every package release. Where the official functions do I/O we want to
avoid (re-reading a log, re-parsing rule YAML, writing ``scaling.json``), we run *the same
function code* against a private copy of its module globals in which only that dependency is
swapped (:func:`with_globals`). The official modules themselves are never modified, so other
callers in the same process see the unchanged behaviour.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable
from typing import Any

from mlperf_logging import benchmark_meta
from mlperf_logging.compliance_checker import mlp_compliance
from mlperf_logging.rcp_checker import rcp_checker

from submissions.checker.engine import ENGINE, OFFICIAL_VERSION  # noqa: F401 (re-exported)

USAGE = "training"

COMPLIANCE_ROOT = os.path.realpath(os.path.dirname(mlp_compliance.__file__))
_RCP_ROOT = os.path.realpath(os.path.dirname(rcp_checker.__file__))


def _packaged_rulesets() -> frozenset[str]:
    # The package checker runs its seed and RCP checks only for rulesets that ship RCP files
    # (1.0.0 onwards); older rulesets have different package rules that we do not model.
    found = set()
    for name in os.listdir(COMPLIANCE_ROOT):
        prefix = USAGE + "_"
        if name.startswith(prefix) and os.path.isdir(os.path.join(_RCP_ROOT, name)):
            found.add(name[len(prefix) :])
    return frozenset(found)


SUPPORTED_RULESETS = _packaged_rulesets()


def require_ruleset(ruleset: str) -> str:
    """Return ``ruleset`` if the pinned package can check it, else raise ValueError."""
    if ruleset not in SUPPORTED_RULESETS:
        raise ValueError(
            f"ruleset {ruleset!r} is not supported; choose one of {sorted(SUPPORTED_RULESETS)}"
        )
    return ruleset


def common_config(ruleset: str) -> str:
    """The config the package checker gives the compliance checker for every result log."""
    return f"{USAGE}_{ruleset}/common.yaml"


def allowed_benchmarks(ruleset: str) -> list[str]:
    return list(benchmark_meta.get_allowed_benchmarks(USAGE, ruleset))


def expected_run_count(benchmark: str) -> int:
    return int(benchmark_meta.get_result_file_counts(USAGE)[benchmark])


def with_globals(func: Callable[..., Any], **replacements: Any) -> types.FunctionType:
    """A copy of an official function whose global names in ``replacements`` are swapped.

    The code object is the official one, so every branch, quirk and exception stays exactly as
    released; only the named dependencies (``open``, ``yaml``, ``glob`` ...) differ.
    """
    if not isinstance(func, types.FunctionType):
        raise TypeError(f"{func!r} is not a plain function")
    namespace = dict(func.__globals__)
    namespace.update(replacements)
    clone = types.FunctionType(
        func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__
    )
    clone.__kwdefaults__ = func.__kwdefaults__
    clone.__qualname__ = func.__qualname__
    clone.__doc__ = func.__doc__
    return clone


class SilentLogging:
    """Stands in for the ``logging`` module inside rebound official functions.

    The official code reports through the root logger; we turn its messages into findings
    instead, and a service's root logger should not receive one line per checked log.
    """

    @staticmethod
    def info(*_args: Any, **_kwargs: Any) -> None:
        return None

    warning = info
    error = info
    debug = info


class RecordingLogging(SilentLogging):
    """Like :class:`SilentLogging`, but keeps error and warning messages for findings."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str]] = []

    def warning(self, msg: str, *args: Any, **_kwargs: Any) -> None:  # type: ignore[override]
        self.records.append(("warning", _format(msg, args)))

    def error(self, msg: str, *args: Any, **_kwargs: Any) -> None:  # type: ignore[override]
        self.records.append(("error", _format(msg, args)))


def _format(msg: str, args: tuple[Any, ...]) -> str:
    try:
        return msg % args if args else msg
    except (TypeError, ValueError):
        return " ".join([msg, *map(str, args)])
