"""The fast reader against the official parser, seed extractor and RCP reader on arbitrary text."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlperf_logging.compliance_checker import mlp_parser
from mlperf_logging.package_checker.seed_checker import SeedChecker
from mlperf_logging.rcp_checker import rcp_checker

from submissions.checker.compliance import describe_exception
from submissions.checker.mllog_text import TOKEN, clean_mllog_line, parse_mllog, read_mllog
from submissions.checker.rcp import read_convergence
from submissions.checker.seeds import seed_records

RULESETS = st.sampled_from(["5.1.0", "6.1.0", "4.1.0"])
KEYS = st.sampled_from([
    "seed", "run_start", "run_stop", "eval_accuracy", "global_batch_size", "submission_benchmark",
    "train_samples", "eval_error", "x",
])  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=5,
)  # fmt: skip
BENCHMARKS = st.sampled_from(["llama2_70b_lora", "stable_diffusion", "bert", "retinanet", "flux1"])


@st.composite
def mllog_records(draw: st.DrawFn) -> str:
    """Mostly well-formed MLLOG records, so that runs converge as often as they break."""
    record: dict[str, Any] = {}
    if draw(st.integers(0, 19)):
        record["time_ms"] = draw(
            st.integers(0, 10**13) | st.floats(allow_nan=True) | st.text(max_size=3)
        )
    if draw(st.integers(0, 19)):
        record["key"] = draw(KEYS)
    if draw(st.integers(0, 19)):
        key = record.get("key")
        record["value"] = draw(BENCHMARKS) if key == "submission_benchmark" else draw(JSON_VALUES)
    if draw(st.integers(0, 19)):
        record["metadata"] = {
            "samples_count": draw(st.integers(0, 5000)),
            "epoch_num": draw(st.floats(0, 100)),
            "status": draw(st.sampled_from(["success", "success", "aborted"])),
            "file": draw(st.sampled_from(["train.py", "other.py"])),
            "lineno": draw(st.integers(1, 3)),
            "metric": draw(st.sampled_from(["FID", "CLIP"])),
        }
        for name in draw(st.lists(st.sampled_from(sorted(record["metadata"])), max_size=2)):
            record["metadata"].pop(name, None)
    return json.dumps(record)


FRAGMENTS = st.one_of(
    mllog_records().map(lambda body: TOKEN + body + "\n"),
    mllog_records().map(lambda body: TOKEN + body + "\n"),
    st.sampled_from(
        [TOKEN, "\n", "\r", "\r\n", " ", "0: ", "::MLLOG", ":::MLLOG", "\x85", "\u2028", "{", "}"]
    ),
    st.text(alphabet=st.characters(max_codepoint=255), max_size=8),
)
LOG_TEXTS = st.lists(FRAGMENTS, max_size=25).map("".join)
_TMP = tempfile.TemporaryDirectory(prefix="checker-equivalence-")


def _official(call: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "value", call(*args)
    except Exception as exc:
        return "raised", exc


def _as_file(data: bytes) -> str:
    path = Path(_TMP.name) / "log.txt"
    path.write_bytes(data)
    return str(path)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", ":", " ", TOKEN, "\n", "\r", "M", "LOG ", "::MLLOG", "é"]),
        max_size=30,
    ).map("".join)
)
def test_the_fast_line_cleaner_equals_the_official_regex(line: str) -> None:
    assert clean_mllog_line(line) == re.sub(".*" + TOKEN, TOKEN, line)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LOG_TEXTS, RULESETS)
def test_reading_once_yields_the_official_log_lines(text: str, ruleset: str) -> None:
    data = text.encode("latin-1", errors="replace")
    official = _official(mlp_parser.parse_file, _as_file(data), ruleset)

    ours = _official(parse_mllog, read_mllog(data), ruleset)

    # repr, because NaN values are never equal to themselves.
    assert ours[0] == official[0]
    if official[0] == "raised":
        assert type(ours[1]) is type(official[1]) and str(ours[1]) == str(official[1])
    else:
        assert repr(ours[1]) == repr(official[1])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LOG_TEXTS, RULESETS)
def test_seed_records_equal_the_official_seed_checker(text: str, ruleset: str) -> None:
    data = text.encode("latin-1", errors="replace")
    official = _official(SeedChecker(ruleset)._get_seed_records, _as_file(data))
    try:
        loglines, errors = parse_mllog(read_mllog(data), ruleset)
        crash = None
    except Exception as exc:
        loglines, errors, crash = [], [], exc

    records, error = seed_records(loglines, errors, crash, ruleset)

    if official[0] == "raised":
        assert records is None and error == str(official[1])
    else:
        assert error is None and repr(records) == repr([tuple(r) for r in official[1]])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LOG_TEXTS, RULESETS)
def test_the_convergence_reading_equals_the_official_rcp_reader(text: str, ruleset: str) -> None:
    data = text.encode("latin-1", errors="replace")
    official = _official(rcp_checker.read_submission_file, _as_file(data), ruleset, False)

    reading, error = read_convergence(read_mllog(data), ruleset)

    if official[0] == "raised":
        assert reading is None and error == describe_exception(official[1])
    else:
        assert error is None and repr(reading) == repr(tuple(official[1]))
