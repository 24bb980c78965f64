"""Benchmarks that misbehave on purpose, for the runner tests (run as real processes).

    python -m tests.benchmarks_runner.programs MODE [--seed N]

garbage   prints binary noise, broken MLLOG lines and a line too long to be one, exits 0
forever   prints a heartbeat line every 0.1 s and never ends (``--stubborn`` ignores SIGTERM)
quiet     prints one line, then computes silently for ever (it would not notice a closed pipe)
fail      logs the start of a run, then exits with status 7
official  writes a compliant official llama2_70b_lora log (``--ruleset``, ``--minutes``) with
          the official mllog logger, as a reproduced reference would
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path


def garbage() -> int:
    out = sys.stdout.buffer
    out.write(os.urandom(2048) + b"\n")
    out.write(b':::MLLOG {"key": "run_start", broken json\n')
    out.write(b":::MLLOG " + b"x" * 200_000 + b"\n")
    out.write(b"plain text, no MLLOG here\n")
    out.flush()
    return 0


def forever(stubborn: bool) -> int:
    if stubborn:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    n = 0
    while True:
        print(f"still working {n}", flush=True)
        n += 1
        time.sleep(0.1)


def quiet() -> int:
    print("started", flush=True)
    while True:
        time.sleep(0.05)


def fail() -> int:
    print(':::MLLOG {"namespace": "", "time_ms": 1, "event_type": "INTERVAL_START", '
          '"key": "init_start", "value": null, "metadata": {}}', flush=True)  # fmt: skip
    return 7


def official(seed: int, ruleset: str, minutes: float) -> int:
    from tests.submissions.checker.mllog_factory import RunSpec, write_log

    write_log(Path("/dev/stdout"), ruleset, RunSpec(seed=seed, minutes=minutes))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["garbage", "forever", "quiet", "fail", "official"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stubborn", action="store_true")
    parser.add_argument("--ruleset", default="5.1.0")
    parser.add_argument("--minutes", type=float, default=9.5)
    args, _ = parser.parse_known_args()
    if args.mode == "garbage":
        return garbage()
    if args.mode == "forever":
        return forever(args.stubborn)
    if args.mode == "quiet":
        return quiet()
    if args.mode == "fail":
        return fail()
    return official(args.seed, args.ruleset, args.minutes)


if __name__ == "__main__":
    sys.exit(main())
