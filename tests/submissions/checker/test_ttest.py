"""The t-test the RCP checker needs, computed without scipy.stats, equals SciPy's bit for bit;
and so do the reference points the official RCP checker builds with it."""

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from mlperf_logging.rcp_checker import rcp_checker

from submissions.checker import official
from submissions.checker.rcp import _NoDiskRcpChecker
from submissions.checker.ttest import ttest_ind_from_stats

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
positive = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
counts = st.integers(min_value=1, max_value=200)


@settings(max_examples=500, deadline=None)
@given(finite, positive, counts, finite, positive, counts)
def test_the_t_test_equals_scipys_bit_for_bit(m1, s1, n1, m2, s2, n2):
    ours = ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=True)
    theirs = scipy.stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=True)
    for a, b in zip(ours, theirs, strict=True):
        assert (math.isnan(a) and math.isnan(b)) or a == b
        assert type(a) is type(b)


def _rcp_benchmarks():
    for ruleset in sorted(official.SUPPORTED_RULESETS):
        folder = Path(official._RCP_ROOT) / f"training_{ruleset}"
        for benchmark in official.allowed_benchmarks(ruleset):
            if (folder / f"rcps_{benchmark}.json").exists():
                yield ruleset, benchmark


@pytest.mark.parametrize("ruleset,benchmark", list(_rcp_benchmarks()))
def test_reference_points_equal_the_official_checkers(ruleset, benchmark):
    try:
        theirs = rcp_checker.RCP_Checker("training", ruleset, benchmark, False, None)
    except KeyError as exc:
        pytest.skip(f"the official RCP checker has no run count for {exc} in {ruleset}")
    ours = _NoDiskRcpChecker("training", ruleset, benchmark, False, None)
    assert ours.rcp_data == theirs.rcp_data
    assert ours.pruned_rcp_data == theirs.pruned_rcp_data
    for record in ours.rcp_data.values():
        assert isinstance(record["Min Epochs"], np.floating | float)


def test_the_precomputed_reference_points_are_the_official_checkers():
    """rcp_points.json is current for the pinned mlperf-logging: regenerate it with
    ``python -m submissions.checker.rcp_points`` when this fails."""
    from submissions.checker import rcp
    from submissions.checker.rcp_points import buildable

    points = rcp.precomputed_points()
    assert points, "rcp_points.json is missing or was written for another mlperf-logging"
    checked = 0
    for ruleset, benchmark in buildable():
        try:
            theirs = rcp_checker.RCP_Checker("training", ruleset, benchmark, False, None)
        except KeyError:
            continue
        ours = rcp.restore_checker(points[f"training/{ruleset}/{benchmark}"])
        assert vars(ours).keys() == vars(theirs).keys()
        assert ours.rcp_data == theirs.rcp_data and ours.pruned_rcp_data == theirs.pruned_rcp_data
        for name, record in ours.rcp_data.items():
            for key, value in record.items():
                assert type(value) is type(theirs.rcp_data[name][key]), (name, key)
            if name in ours.pruned_rcp_data:
                assert ours.pruned_rcp_data[name] is record  # shared, as officially
        checked += 1
    assert checked > 30
