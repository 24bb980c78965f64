"""The official compliance checker, with its rule files parsed once per process.

``ComplianceChecker.configured_checks`` opens and ``yaml.load``-s a rule file for every log it
checks (two or three per log); that pure-Python YAML parse is most of the official run time.
We run the official method unchanged except that ``open`` and ``yaml`` resolve to a guard and a
per-process cache.

The guard matters for safety, not speed: the rules enqueue further rule files named after
values in the log (``'training_5.1.0/{}_common.yaml'.format(division)``), and those files contain
Python that the checker executes. A crafted ``submission_division`` such as ``../../../x`` would
make the official checker execute a YAML from anywhere on disk; we refuse any rule path outside
the installed package.
"""

from __future__ import annotations

import functools
import os
import threading
import types
from dataclasses import dataclass, field
from typing import Any

import yaml
from mlperf_logging.compliance_checker import mlp_compliance

from submissions.checker.official import (
    COMPLIANCE_ROOT,
    USAGE,
    common_config,
    with_globals,
)


class RulesOutsidePackageError(RuntimeError):
    """A log asked the checker to load rules that are not part of the pinned package."""


class _PinnedRulesFile:
    def __init__(self, path: str) -> None:
        self.path = path
        self.name = path

    def __enter__(self) -> _PinnedRulesFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


@functools.lru_cache(maxsize=1024)
def _pinned_path(file: str) -> str | None:
    real = os.path.realpath(file)
    return real if real.startswith(COMPLIANCE_ROOT + os.sep) else None


def _open_pinned_rules(file: str, *_args: Any, **_kwargs: Any) -> _PinnedRulesFile:
    real = _pinned_path(file)
    if real is None:
        raise RulesOutsidePackageError(
            f"refused to load rules outside the pinned mlperf-logging package: {file}"
        )
    return _PinnedRulesFile(real)


@functools.cache
def parsed_rules(path: str) -> Any:
    # Same call as the official code; a missing file raises the same FileNotFoundError.
    # The parsed structure is shared: configured_checks only reads it.
    with open(path) as stream:
        return yaml.load(stream, Loader=yaml.BaseLoader)


class _CachedRulesYaml:
    BaseLoader = yaml.BaseLoader

    @staticmethod
    def load(stream: _PinnedRulesFile, Loader: type) -> Any:
        if not isinstance(stream, _PinnedRulesFile) or Loader is not yaml.BaseLoader:
            raise TypeError("rules may only be loaded through the pinned-rules guard")
        return parsed_rules(stream.path)


@functools.lru_cache(maxsize=4096)
def _compiled(source: str, mode: str) -> types.CodeType:
    # dont_inherit: the official module compiles these strings with no __future__ flags that
    # change semantics (it only imports print_function), unlike this module.
    return compile(source, "<string>", mode, dont_inherit=True)


def _cached_eval(source: Any, globals_: Any = None, locals_: Any = None) -> Any:
    # The rules' CHECK expressions come from the pinned YAML, a few hundred distinct strings
    # compiled again for every log line by the builtin eval; the code objects are reusable.
    code = _compiled(source, "eval") if isinstance(source, str) else source
    return eval(code, globals_, locals_)


def _cached_exec(source: Any, globals_: Any = None, locals_: Any = None) -> None:
    code = _compiled(source, "exec") if isinstance(source, str) else source
    exec(code, globals_, locals_)


_FAST_CODE = {"eval": _cached_eval, "exec": _cached_exec}


@dataclass(frozen=True)
class RawMessage:
    """One message the official checker keeps for a log, with where it came from."""

    text: str
    key: str | None
    config: str
    logline: Any | None
    severity: str


@functools.lru_cache(maxsize=1024)
def _rule_name(config_file: str) -> str:
    try:
        return os.path.relpath(os.path.realpath(config_file), COMPLIANCE_ROOT)
    except ValueError:  # e.g. a NUL byte from the log; the official open() raises on it next
        return config_file


class _RecordingComplianceChecker(mlp_compliance.ComplianceChecker):
    """The official checker, remembering which rule file and log line produced each message."""

    _official = mlp_compliance.ComplianceChecker
    _official_configured_checks = with_globals(
        _official.configured_checks, open=_open_pinned_rules, yaml=_CachedRulesYaml, **_FAST_CODE
    )
    _official_run_check_eval = with_globals(_official.run_check_eval, **_FAST_CODE)
    _official_run_check_exec = with_globals(_official.run_check_exec, **_FAST_CODE)
    run_check_end = with_globals(_official.run_check_end, **_FAST_CODE)

    def __init__(self, ruleset: str) -> None:
        # quiet and werror as the package checker passes them (both off).
        super().__init__(USAGE, ruleset, quiet=False, werror=False)
        self._config = ""
        self._line: Any | None = None
        self._keyed_origin: dict[str, tuple[str, Any | None]] = {}
        self._unkeyed_origin: list[tuple[str, Any | None]] = []
        self._warning_origin: dict[str, tuple[str, Any | None]] = {}

    def configured_checks(self, loglines: list[Any], config_file: str) -> None:
        self._config = _rule_name(config_file)
        self._official_configured_checks(loglines, config_file)

    def run_check_eval(self, ll: Any, tests: Any, state: dict[str, Any]) -> None:
        self._line = ll
        try:
            self._official_run_check_eval(ll, tests, state)
        finally:
            self._line = None

    def run_check_exec(self, ll: Any, code: Any, state: dict[str, Any], action: str) -> None:
        self._line = ll
        try:
            self._official_run_check_exec(ll, code, state, action)
        finally:
            self._line = None

    def put_message(self, msg: str, key: str | None = None) -> None:
        origin = (self._config, self._line)
        if key:
            self._keyed_origin[key] = origin
        else:
            self._unkeyed_origin.append(origin)
        super().put_message(msg, key)

    def put_warning(self, msg: str, key: str) -> None:
        self._warning_origin[key] = (self._config, self._line)
        super().put_warning(msg, key)

    def messages(self) -> list[RawMessage]:
        found = [
            RawMessage(text, key, *self._warning_origin.get(key, ("", None)), "warning")
            for key, text in self.warnings.items()
        ]
        found += [
            RawMessage(text, key, *self._keyed_origin.get(key, ("", None)), "error")
            for key, text in self.overwritable.items()
        ]
        found += [
            RawMessage(text, None, config, line, "error")
            for text, (config, line) in zip(
                self.not_overwritable, self._unkeyed_origin, strict=False
            )
        ]
        return found


@dataclass(frozen=True)
class ComplianceOutcome:
    compliant: bool
    messages: list[RawMessage] = field(default_factory=list)
    crash: str | None = None
    """The exception with which the official checker stops on this log, if it does."""


PARSE_ERROR_MESSAGE = "Log lines had parsing errors."

# mlp_compliance keeps its queue of rule files to check in a module global.
_QUEUE_LOCK = threading.Lock()


def run_compliance(
    loglines: list[Any], parse_errors: list[tuple[str, str]], ruleset: str
) -> ComplianceOutcome:
    """``ComplianceChecker.check_file`` on a parsed log, with the package checker's config."""
    checker = _RecordingComplianceChecker(ruleset)
    crash: str | None = None
    with _QUEUE_LOCK:
        try:
            if parse_errors:
                checker.put_message(PARSE_ERROR_MESSAGE)
            checker.check_loglines(loglines, common_config(ruleset))
        except Exception as exc:
            crash = describe_exception(exc)
            # A crash leaves rule files in the global queue; they would otherwise be checked
            # against the next log in this process.
            mlp_compliance.enqueued_configs.clear()
    compliant = crash is None and not checker.has_messages()
    return ComplianceOutcome(compliant=compliant, messages=checker.messages(), crash=crash)


def describe_exception(exc: BaseException, limit: int = 500) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[: limit - 1] + "…"
