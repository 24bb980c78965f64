"""Seeds: the official seed checker, fed with the seed records extracted when each log was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlperf_logging.package_checker.seed_checker import SeedChecker

from submissions.checker.official import with_globals

SeedRecord = tuple[Any, Any, int]
"""(metadata file, metadata lineno, seed) as ``SeedChecker._get_seed_records`` returns."""


class _ParsedLog:
    def __init__(
        self, loglines: list[Any], errors: list[tuple[str, str]], crash: BaseException | None
    ) -> None:
        self.loglines = loglines
        self.errors = errors
        self.crash = crash


class _ParsedLogParser:
    """Stands in for ``mlp_parser`` so the seed checker reuses the parse we already did."""

    @staticmethod
    def parse_file(result_file: _ParsedLog, ruleset: str) -> tuple[list[Any], list[Any]]:
        if result_file.crash is not None:
            raise result_file.crash
        return result_file.loglines, result_file.errors


_official_seed_records = with_globals(SeedChecker._get_seed_records, mlp_parser=_ParsedLogParser)


def seed_records(
    loglines: list[Any],
    errors: list[tuple[str, str]],
    parse_crash: BaseException | None,
    ruleset: str,
) -> tuple[list[SeedRecord] | None, str | None]:
    """The official seed records of one log, or the text of the exception it raises."""
    try:
        records = _official_seed_records(
            SeedChecker(ruleset), _ParsedLog(loglines, errors, parse_crash)
        )
    except Exception as exc:
        # The official checker formats it with "{}".format(e); keep exactly that text.
        return None, str(exc)
    return [tuple(record) for record in records], None  # type: ignore[misc]


class _ReplayedSeedError(Exception):
    pass


class _StoredSeedChecker(SeedChecker):
    def __init__(
        self, ruleset: str, stored: dict[str, tuple[list[Any] | None, str | None]]
    ) -> None:
        super().__init__(ruleset)
        self._stored = stored

    def _get_seed_records(self, result_file: str) -> list[SeedRecord]:
        records, error = self._stored[result_file]
        if error is not None or records is None:
            raise _ReplayedSeedError(error)
        return [tuple(record) for record in records]  # type: ignore[misc]


class _WarningRecorder:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def warn(self, message: str, *_args: Any, **_kwargs: Any) -> None:
        self.messages.append(str(message))


@dataclass(frozen=True)
class SeedOutcome:
    passed: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bypassed: bool = False
    crash: str | None = None


def check_seeds(
    stored: list[tuple[str, list[Any] | None, str | None]], ruleset: str, *, bypass: bool
) -> SeedOutcome:
    """``SeedChecker.check_seeds`` on stored records; ``stored`` in the package checker's order."""
    if bypass:
        return SeedOutcome(passed=True, bypassed=True)
    checker = _StoredSeedChecker(ruleset, {key: (records, error) for key, records, error in stored})
    recorder = _WarningRecorder()
    assert_unique = with_globals(SeedChecker._assert_unique_seed_per_run, warnings=recorder)
    try:
        errors = assert_unique(checker, [key for key, _, _ in stored])
    except Exception as exc:
        # e.g. an unhashable metadata "file" value: the official package checker stops here.
        return SeedOutcome(passed=False, crash=f"{type(exc).__name__}: {exc}")
    return SeedOutcome(passed=not errors, errors=list(errors), warnings=recorder.messages)
