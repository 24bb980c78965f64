"""Running asciidoctor on a rule document, safely.

Why asciidoctor (Debian's ``asciidoctor`` package, Ruby) and not the ``asciidoc`` package from
PyPI, which would need nothing but Python — both were tried on the real rule documents:

- asciidoc-py 10.2.1 cannot run safely. Its ``--safe`` mode fails on every HTML backend (its
  own ``html5.conf`` uses ``ifeval``, which safe mode refuses), and without it a document can
  run shell commands (``{sys:…}``) and Python (``{eval:…}``, ``ifeval::``) on the server.
- It does not know the Markdown-style ``#`` headings that the submission rules use throughout
  (they come out as paragraphs), nor show ``:sectnums:`` numbers in an embedded document.
- It took about 1 s for the training rules; asciidoctor takes about 0.2 s, start-up included.
- asciidoctor is what GitHub renders these files with, so our pages read as the source does.

asciidoctor runs with ``-S secure`` (its CLI otherwise defaults to unsafe): ``include::`` is
never read (it becomes a link), nor is any other local or remote file. Attributes given on the
command line are locked, so the document cannot set them back: ``data-uri`` would inline image
files, and the table of contents and heading links are the pages' job.
It runs in an empty temporary folder with a minimal environment and a time limit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache

from roadmap.rules.errors import RenderError

DEFAULT_TIMEOUT = 60.0
_LOCKED_ATTRIBUTES = (
    "data-uri!", "allow-uri-read!", "docinfo!", "toc!", "showtitle!", "sectanchors!",
    "sectlinks!", "source-highlighter!", "linkcss!", "sectids",
)  # fmt: skip
_MESSAGE = re.compile(r"^asciidoctor: (?P<severity>[A-Z]+): (?:<stdin>: )?(?P<text>.*)$")
_LINE = re.compile(r"\bline (\d+)\b")


@dataclass(frozen=True)
class Conversion:
    html: str
    messages: tuple[str, ...]  # asciidoctor's warnings and errors, "line N: …" first


def find_asciidoctor(executable: str | None = None) -> str:
    """The asciidoctor command to run: ``executable``, ``$ASCIIDOCTOR``, or the one on PATH."""
    name = executable or os.environ.get("ASCIIDOCTOR") or "asciidoctor"
    found = shutil.which(name)
    if found is None:
        raise RenderError(
            f"the AsciiDoc renderer {name!r} is not installed: install the asciidoctor package "
            "(apt-get install asciidoctor) or set ASCIIDOCTOR to its path"
        )
    return found


@cache
def asciidoctor_version(executable: str) -> str:
    """ "Asciidoctor 2.0.18", to store beside what it rendered."""
    done = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout.splitlines()[0].split(" [", 1)[0] if done.stdout else "asciidoctor"


def convert(
    source: str, *, executable: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Conversion:
    """The embedded HTML5 of ``source`` (no page header or footer), not yet sanitised."""
    command = find_asciidoctor(executable)
    with tempfile.TemporaryDirectory(prefix="rules-render-") as workdir:
        argv = [command, "-S", "secure", "-e", "-b", "html5", "-B", workdir, "-o", "-"]
        for attribute in _LOCKED_ATTRIBUTES:
            argv += ["-a", attribute]
        argv.append("-")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": workdir}
        try:
            done = subprocess.run(
                argv,
                input=source.encode("utf-8"),
                capture_output=True,
                cwd=workdir,
                env=env,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise RenderError(f"asciidoctor took longer than {timeout:g} s") from error
    stderr = done.stderr.decode("utf-8", errors="replace")
    if done.returncode != 0:
        raise RenderError(f"asciidoctor failed (exit {done.returncode}): {stderr.strip()[:500]}")
    messages = tuple(
        f"{m['severity'].lower()}: {m['text']}"
        for m in map(_MESSAGE.match, stderr.splitlines())
        if m is not None
    )
    return Conversion(html=done.stdout.decode("utf-8", errors="replace"), messages=messages)


def shift_line_numbers(message: str, original_line: dict[int, int]) -> str:
    """Rewrite "line N" of a message about the prepared source to the line of the original."""
    return _LINE.sub(lambda m: f"line {original_line.get(int(m[1]), int(m[1]))}", message, 1)
