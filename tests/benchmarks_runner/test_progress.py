"""Live progress from MLLOG lines, including hostile output."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from benchmarks_runner.progress import MAX_CURVE_POINTS, TAIL_LINES, ProgressTracker


def line(key: str, value=None, **metadata) -> str:
    record = {"namespace": "", "time_ms": 1000, "event_type": "POINT_IN_TIME", "key": key,
              "value": value, "metadata": metadata}  # fmt: skip
    return "prefix noise :::MLLOG " + json.dumps(record) + "\n"


def test_progress_follows_phases_epochs_and_evaluations():
    tracker = ProgressTracker(target=0.97, higher_is_better=True, max_epochs=10)
    assert tracker.feed(line("init_start"))
    assert tracker.snapshot()["phase"] == "initializing"
    tracker.feed(line("run_start"))
    assert not tracker.feed(line("epoch_start", epoch_num=3))
    assert tracker.fraction == 0.2
    assert tracker.feed(line("eval_accuracy", 0.91, epoch_num=3))
    tracker.feed(line("eval_accuracy", 0.975, epoch_num=4))
    snap = tracker.snapshot()
    assert snap["accuracy"] == 0.975 and snap["fraction"] == 1.0
    assert [point[:2] for point in snap["curve"]] == [[3, 0.91], [4, 0.975]]
    tracker.feed(line("run_stop", status="success"))
    assert (tracker.phase, tracker.status) == ("stopped", "success")


def test_lower_is_better_targets():
    tracker = ProgressTracker(target=0.013, higher_is_better=False, max_epochs=100)
    tracker.feed(line("eval_accuracy", 0.02, epoch_num=1))
    assert not tracker.reached_target
    tracker.feed(line("eval_accuracy", 0.012, epoch_num=2))
    assert tracker.reached_target


def test_broken_lines_only_reach_the_tail_and_the_tail_is_bounded():
    tracker = ProgressTracker()
    tracker.feed(':::MLLOG {"key": "run_start", broken\n')
    tracker.feed(":::MLLOG [1, 2]\n")
    tracker.feed(line("eval_accuracy", "not a number", epoch_num=1))
    tracker.feed(line("eval_accuracy", float("nan"), epoch_num=1).replace("NaN", "NaN"))
    for i in range(TAIL_LINES + 10):
        tracker.feed(f"line {i}\n")
    assert tracker.bad_mllog_lines == 2 and tracker.curve == []
    assert len(tracker.tail) == TAIL_LINES and tracker.tail[-1] == f"line {TAIL_LINES + 9}"


def test_the_curve_stays_small_on_long_runs():
    tracker = ProgressTracker()
    for epoch in range(1, 5000):
        tracker.feed(line("eval_accuracy", epoch / 5000, epoch_num=epoch))
    assert len(tracker.curve) <= MAX_CURVE_POINTS


@given(st.text(max_size=300))
def test_any_output_line_is_taken_without_raising(text):
    tracker = ProgressTracker(target=1.0, max_epochs=3)
    tracker.feed(text)
    tracker.feed(":::MLLOG " + text)
    json.dumps(tracker.snapshot())  # always storable


def test_nul_bytes_never_reach_what_is_stored():
    tracker = ProgressTracker()
    tracker.feed("bad\x00line\n")
    tracker.feed(line("run_stop", status="succ\x00ess"))
    assert "\x00" not in tracker.tail_text() and "\x00" not in json.dumps(tracker.snapshot())
