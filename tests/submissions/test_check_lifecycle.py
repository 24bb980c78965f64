"""A benchmark check's status changes only through its lifecycle table."""

import pytest

from core.errors import InvalidTransition
from core.work import Execution
from submissions.models import BenchmarkCheck
from submissions.models.validation import CheckStatus
from submissions.services import checking


def test_every_check_status_has_its_transitions_and_the_outcomes_are_final():
    table = BenchmarkCheck.TRANSITIONS
    assert set(table) == set(CheckStatus)
    assert table[CheckStatus.DONE] == table[CheckStatus.FAILED] == frozenset()
    assert table[CheckStatus.PENDING] == {CheckStatus.RUNNING}


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (CheckStatus.DONE, CheckStatus.RUNNING),
        (CheckStatus.FAILED, CheckStatus.PENDING),
        (CheckStatus.PENDING, CheckStatus.DONE),
    ],
)
def test_a_move_outside_the_table_is_refused(current, to):
    with pytest.raises(InvalidTransition, match=f"cannot go from {current} to {to}"):
        checking._move_check(1, current, to)


def test_a_check_that_is_done_is_not_run_again(db, monkeypatch):
    from submissions import checker

    monkeypatch.setattr(checker, "check_benchmark", lambda *a, **k: pytest.fail("ran again"))
    assert checking._move_check(10**9, CheckStatus.PENDING, CheckStatus.RUNNING) is False
    checking.benchmark_check_run(
        check_id=10**9, execution=Execution("t")
    )  # no such pending check: nothing happens
