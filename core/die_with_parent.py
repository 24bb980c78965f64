"""Run a command that is stopped when its parent dies: ``python die_with_parent.py PID -- ARGV``.

The supervisor starts each child in a session of its own, so that Ctrl-C reaches only the
supervisor, which then stops the children in order. The price is that nothing stops them when
the supervisor itself is killed with SIGKILL: gunicorn, say, would go on holding the port. So
each child starts through this script, which asks the kernel to send it SIGTERM when its parent
dies (Linux's ``prctl(PR_SET_PDEATHSIG)``, which survives ``exec``) and then becomes the command.
Elsewhere it only becomes the command.

A script run by path with no imports from the project, so that it works from any folder.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: die_with_parent.py PARENT_PID -- COMMAND [ARG ...]")
    parent, command = int(argv[0]), argv[2:]
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            print(
                f"die_with_parent: prctl failed: {os.strerror(ctypes.get_errno())}", file=sys.stderr
            )
        if os.getppid() != parent:
            sys.exit(f"die_with_parent: the parent {parent} died before {command[0]} started")
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
