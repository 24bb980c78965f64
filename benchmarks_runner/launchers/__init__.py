"""Launchers behind one interface: local process (default), container, SLURM, mlcflow."""

from __future__ import annotations

from benchmarks_runner.launchers.base import Handle, LaunchContext, Launcher, LaunchError
from benchmarks_runner.launchers.container import ContainerLauncher
from benchmarks_runner.launchers.local import LocalLauncher
from benchmarks_runner.launchers.mlcflow import MlcflowLauncher
from benchmarks_runner.launchers.slurm import SlurmLauncher

LAUNCHERS: dict[str, Launcher] = {
    launcher.name: launcher
    for launcher in (LocalLauncher(), ContainerLauncher(), SlurmLauncher(), MlcflowLauncher())
}

__all__ = ["LAUNCHERS", "Handle", "LaunchContext", "LaunchError", "Launcher"]
