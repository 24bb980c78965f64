"""What a runner's machine is: probed through subprocesses and system files, never by importing
a framework (the runner process must not load CUDA libraries), and its fingerprint.

The fingerprint is the SHA-256 of the canonical JSON of ``FINGERPRINT_KEYS`` only: the
hardware, not the software, so a driver or framework upgrade keeps a machine's score history
together while a different CPU, memory size or accelerator starts a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FINGERPRINT_KEYS = (
    "architecture",
    "cpu_model",
    "cpu_sockets",
    "cpu_cores",
    "cpu_threads",
    "memory_gib",
    "accelerators",
)
"""The documented keys of a hardware fingerprint (README, "Runners")."""

FRAMEWORKS = ("torch", "jax", "tensorflow", "numpy", "scikit-learn", "mlperf-logging")
PROBE_TIMEOUT_S = 20


@dataclass
class Probe:
    facts: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    """Probes that failed (a tool that hung or printed garbage): the runner still starts."""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.facts)

    @property
    def summary(self) -> str:
        f = self.facts
        sockets = f.get("cpu_sockets") or 1
        text = f"{sockets}x {f.get('cpu_model') or 'unknown CPU'}, {f.get('memory_gib')} GiB"
        for accelerator, count in (f.get("accelerators") or {}).items():
            text += f", {count}x {accelerator}"
        return text[:300]


def fingerprint(facts: dict[str, Any]) -> str:
    keys = {key: facts.get(key) for key in FINGERPRINT_KEYS}
    return hashlib.sha256(json.dumps(keys, sort_keys=True).encode()).hexdigest()


def _run(argv: list[str]) -> str | None:
    """A probe's output, or None if the tool is absent, fails or hangs."""
    if shutil.which(argv[0]) is None:
        return None
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _cpu_from_lscpu(output: str) -> dict[str, Any]:
    fields = {}
    for entry in json.loads(output).get("lscpu", []):
        fields[str(entry.get("field", "")).rstrip(":")] = entry.get("data")
    threads = int(fields.get("CPU(s)") or 0) or None
    sockets = int(fields.get("Socket(s)") or 1)
    per_socket = int(fields.get("Core(s) per socket") or 0)
    return {
        "cpu_model": fields.get("Model name") or None,
        "cpu_sockets": sockets,
        "cpu_cores": per_socket * sockets or threads,
        "cpu_threads": threads,
    }


def _cpu_from_cpuinfo(text: str) -> dict[str, Any]:
    models, cores, sockets, threads = [], set(), set(), 0
    physical = None
    for line in text.splitlines():
        key, _, value = (part.strip() for part in line.partition(":"))
        if key == "processor":
            threads += 1
        elif key == "model name":
            models.append(value)
        elif key == "physical id":
            physical = value
            sockets.add(value)
        elif key == "core id":
            cores.add((physical, value))
    return {
        "cpu_model": models[0] if models else None,
        "cpu_sockets": len(sockets) or 1,
        "cpu_cores": len(cores) or threads or None,
        "cpu_threads": threads or None,
    }


def probe_cpu() -> dict[str, Any]:
    output = _run(["lscpu", "-J"])
    if output:
        try:
            return _cpu_from_lscpu(output)
        except (ValueError, TypeError):
            pass
    try:
        return _cpu_from_cpuinfo(Path("/proc/cpuinfo").read_text())
    except OSError:
        return {"cpu_model": platform.processor() or None, "cpu_threads": os.cpu_count()}


def probe_memory_gib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _nvidia(output: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for line in output.splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) >= 2 and parts[0]:
            try:
                memory = f"{round(float(parts[1]) / 1024)} GiB"
            except ValueError:
                memory = parts[1]
            found[f"{parts[0]} ({memory})"] += 1
    return found


def _rocm(output: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for card, values in json.loads(output).items():
        if card.startswith("card") and isinstance(values, dict):
            name = values.get("Card Series") or values.get("Card series") or values.get("Card SKU")
            found[str(name or "AMD GPU")] += 1
    return found


def probe_accelerators() -> dict[str, int]:
    """Accelerator model (with memory) → count, from the vendors' command-line tools."""
    found: Counter[str] = Counter()
    nvidia = _run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"])
    if nvidia:
        found += _nvidia(nvidia)
    rocm = _run(["rocm-smi", "--showproductname", "--json"])
    if rocm:
        with contextlib.suppress(ValueError, AttributeError):
            found += _rocm(rocm)
    return dict(sorted(found.items()))


def software_versions() -> dict[str, str]:
    """Versions of the frameworks installed beside the runner, read from their metadata
    (``importlib.metadata`` reads files; it does not import the framework)."""
    versions = {"python": platform.python_version()}
    for name in FRAMEWORKS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def probe() -> Probe:
    problems = []
    cpu = probe_cpu()
    if not cpu.get("cpu_model"):
        problems.append("the CPU model could not be read (lscpu, /proc/cpuinfo)")
    memory = probe_memory_gib()
    if memory is None:
        problems.append("the memory size could not be read (/proc/meminfo)")
    facts = {
        "architecture": platform.machine(),
        **cpu,
        "memory_gib": memory,
        "accelerators": probe_accelerators(),
        "os": _os_name(),
        "kernel": platform.release(),
        "software": software_versions(),
        "executable": sys.executable,
    }
    return Probe(facts=facts, problems=problems)


def _os_name() -> str:
    try:
        release = platform.freedesktop_os_release()
        return release.get("PRETTY_NAME") or release.get("NAME") or platform.system()
    except OSError:
        return f"{platform.system()} {platform.release()}"
