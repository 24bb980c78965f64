"""What every reference benchmark shares: its arguments, the official MLLOG logger with the
run's standard keys, and the MLPerf timing loop (train, evaluate, stop at the target).

The benchmarks run as their own processes, started by a runner or by hand
(``python -m benchmarks_runner.references.digits_mlp --seed 7``); they import neither Django
nor anything of the service, only numpy, scikit-learn and ``mlperf-logging``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlperf_logging import mllog
from mlperf_logging.mllog import constants

EXIT_CONVERGED = 0
EXIT_NOT_CONVERGED = 3
"""A run that ended without reaching its target (its log says ``status: aborted``)."""


@dataclass(frozen=True)
class Quality:
    target: float
    higher_is_better: bool

    def reached(self, value: float) -> bool:
        return value >= self.target if self.higher_is_better else value <= self.target


def parse_args(description: str, *, max_epochs: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="random seed (default: a fresh one, which the log records)",
    )
    parser.add_argument("--org", default=os.environ.get("MLPERF_SUBMISSION_ORG", "MLCommons"))
    parser.add_argument(
        "--platform",
        default=os.environ.get("MLPERF_SUBMISSION_PLATFORM", "1xCPU"),
        help="the submission_platform value (the runner passes its host's description)",
    )
    parser.add_argument("--max-epochs", type=int, default=max_epochs)
    args = parser.parse_args()
    if args.seed is None:
        args.seed = secrets.randbelow(2**31)
    if args.max_epochs < 1:
        parser.error("--max-epochs must be at least 1")
    return args


def start_logging(
    *, benchmark: str, args: argparse.Namespace, hyperparameters: dict[str, Any]
) -> mllog.MLLogger:
    """The official logger on stdout, with everything logged before ``run_start``.

    ``init_start`` is logged by the caller's :func:`open_init` before the data is loaded, so
    the initialisation interval covers it as the rules intend.
    """
    logger = mllog.get_mllogger()
    for key, value in (
        (constants.SUBMISSION_BENCHMARK, benchmark),
        (constants.SUBMISSION_ORG, args.org),
        (constants.SUBMISSION_DIVISION, constants.CLOSED),
        (constants.SUBMISSION_STATUS, constants.ONPREM),
        (constants.SUBMISSION_PLATFORM, args.platform),
        (constants.SEED, args.seed),
    ):
        logger.event(key=key, value=value)
    for key, value in hyperparameters.items():
        logger.event(key=key, value=value)
    return logger


def open_init() -> mllog.MLLogger:
    # Source locations in the log relative to the project, not to where it is installed.
    mllog.config(root_dir=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    logger = mllog.get_mllogger()
    logger.event(key=constants.CACHE_CLEAR, value=True)
    logger.start(key=constants.INIT_START)
    return logger


def train_until_target(
    logger: mllog.MLLogger,
    *,
    quality: Quality,
    max_epochs: int,
    samples_per_epoch: int,
    train_epoch: Callable[[int], None],
    evaluate: Callable[[], float],
) -> int:
    """Log the timed part of the run; returns the process exit status."""
    logger.end(key=constants.INIT_STOP)
    logger.start(key=constants.RUN_START)
    for epoch in range(1, max_epochs + 1):
        meta = {"epoch_num": epoch, constants.SAMPLES_COUNT: epoch * samples_per_epoch}
        logger.start(key=constants.EPOCH_START, metadata=meta)
        train_epoch(epoch)
        logger.end(key=constants.EPOCH_STOP, metadata=meta)
        logger.start(key=constants.EVAL_START, metadata=meta)
        value = float(evaluate())
        logger.event(key=constants.EVAL_ACCURACY, value=round(value, 6), metadata=meta)
        logger.end(key=constants.EVAL_STOP, metadata=meta)
        if quality.reached(value):
            logger.end(
                key=constants.RUN_STOP, metadata={**meta, constants.STATUS: constants.SUCCESS}
            )
            return EXIT_CONVERGED
    logger.end(key=constants.RUN_STOP, metadata={constants.STATUS: constants.ABORTED})
    sys.stdout.flush()
    return EXIT_NOT_CONVERGED
