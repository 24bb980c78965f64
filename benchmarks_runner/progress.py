"""Live progress from the ``:::MLLOG`` lines a benchmark prints, as it prints them.

Pure: fed line by line by the runner's loop, it keeps the phase (initialising, running,
stopped), the current epoch or sample count, every evaluation (the accuracy curve), the
run_stop status and the last lines of output; the snapshot is what the run page shows.
Lines that are not MLLOG, or are broken JSON, only go to the tail.
"""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

TOKEN = ":::MLLOG "
TAIL_LINES = 40
MAX_TAIL_LINE = 500
MAX_CURVE_POINTS = 400


@dataclass
class ProgressTracker:
    target: float | None = None
    higher_is_better: bool = True
    max_epochs: int | None = None
    started: float = field(default_factory=time.monotonic)
    phase: str = "starting"
    epoch: int | None = None
    samples: int | None = None
    accuracy: float | None = None
    status: str | None = None
    mllog_lines: int = 0
    bad_mllog_lines: int = 0
    run_start_ms: float | None = None
    run_stop_ms: float | None = None
    curve: list[list[float]] = field(default_factory=list)
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))

    def feed(self, line: str) -> bool:
        """Take one output line; True when it changed something worth showing at once."""
        # PostgreSQL text and jsonb refuse NUL; a benchmark may print anything.
        self.tail.append(line.rstrip("\r\n")[:MAX_TAIL_LINE].replace("\x00", "\ufffd"))
        cut = line.find(TOKEN)
        if cut < 0:
            return False
        try:
            record = json.loads(line[cut + len(TOKEN) :])
            key = record["key"]
            metadata = record.get("metadata") or {}
            if not isinstance(metadata, dict):
                metadata = {}
        except (ValueError, KeyError, TypeError):
            self.bad_mllog_lines += 1
            return False
        self.mllog_lines += 1
        return self._event(str(key), record, metadata)

    def _event(self, key: str, record: dict[str, Any], metadata: dict[str, Any]) -> bool:
        if key == "init_start":
            self.phase = "initializing"
            return True
        if key == "run_start":
            self.phase, self.run_start_ms = "running", _number(record.get("time_ms"))
            return True
        if key in ("epoch_start", "block_start"):
            self.epoch = _int(metadata.get("epoch_num"), self.epoch)
            self.samples = _int(metadata.get("samples_count"), self.samples)
            return False
        if key == "eval_accuracy":
            value = _number(record.get("value"))
            if value is None:
                return False
            self.accuracy = value
            self.epoch = _int(metadata.get("epoch_num"), self.epoch)
            self.samples = _int(metadata.get("samples_count"), self.samples)
            x = self.epoch if self.epoch is not None else (self.samples or len(self.curve) + 1)
            self.curve.append([x, value, round(time.monotonic() - self.started, 2)])
            if len(self.curve) > MAX_CURVE_POINTS:
                self.curve = self.curve[::2]
            return True
        if key == "run_stop":
            self.phase, self.run_stop_ms = "stopped", _number(record.get("time_ms"))
            status = metadata.get("status")
            self.status = status[:40].replace("\x00", "\ufffd") if isinstance(status, str) else None
            return True
        return False

    @property
    def reached_target(self) -> bool:
        if self.target is None or self.accuracy is None:
            return False
        if self.higher_is_better:
            return self.accuracy >= self.target
        return self.accuracy <= self.target

    @property
    def fraction(self) -> float | None:
        """Share of the run done: epochs against the benchmark's epoch budget (an upper
        bound: it converges before, and the bar fills when it does)."""
        if self.status == "success" or self.reached_target:
            return 1.0
        if self.max_epochs and self.epoch:
            return min(1.0, max(0.0, (self.epoch - 1) / self.max_epochs))
        return None

    def snapshot(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "epoch": self.epoch,
            "max_epochs": self.max_epochs,
            "samples": self.samples,
            "accuracy": self.accuracy,
            "target": self.target,
            "higher_is_better": self.higher_is_better,
            "fraction": self.fraction,
            "elapsed_s": round(time.monotonic() - self.started, 1),
            "status": self.status,
            "mllog_lines": self.mllog_lines,
            "bad_mllog_lines": self.bad_mllog_lines,
            "curve": self.curve,
        }

    def tail_text(self) -> str:
        return "\n".join(self.tail)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def _int(value: Any, default: int | None) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value
