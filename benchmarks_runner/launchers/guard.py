"""Exec a benchmark so that it dies with the runner: ``python -m ... guard PID -- argv``.

The benchmark runs in its own process group so that cancelling reaches all of it, which also
means it would outlive a runner killed with SIGKILL and keep a lost attempt's machine busy.
On Linux the kernel's parent-death signal (kept across exec) prevents that. It is set here,
in a process of its own without threads, because setting it between fork and exec in the
runner (a ``preexec_fn``) is unsafe in a process that runs threads.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        sys.stderr.write("usage: guard PARENT_PID -- COMMAND [ARG...]\n")
        raise SystemExit(2)
    parent, command = int(argv[0]), argv[2:]
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the runner died before the signal was armed
            raise SystemExit(1)
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        sys.stderr.write(f"cannot start {command[0]!r}: {exc.strerror}\n")
        raise SystemExit(127) from None


if __name__ == "__main__":
    main(sys.argv[1:])
