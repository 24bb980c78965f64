"""The supervisor with real child processes: a child that dies is restarted with backoff and a
line saying why while the others keep running; its state reaches /healthz; SIGINT stops all."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.supervisor import read_status
from tests.workers import wait_for

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
from pathlib import Path
from core.supervisor import ChildSpec, Supervisor
status = Path(sys.argv[1])
Supervisor(
    [
        ChildSpec("steady", ["sleep", "600"]),
        ChildSpec("flaky", ["sh", "-c", "echo about to fail; exit 3"]),
    ],
    cwd=status.parent, status_file=status, out=sys.stdout,
).run()
"""


@pytest.fixture
def supervised(tmp_path):
    status = tmp_path / "serve-status.json"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(status)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    yield proc, status
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _components(status: Path) -> dict:
    try:
        return json.loads(status.read_text())["components"]
    except (OSError, ValueError, KeyError):
        return {}


def test_a_dying_child_is_restarted_with_backoff_and_the_others_keep_running(supervised):
    proc, status = supervised
    flaky = wait_for(
        lambda: (c := _components(status).get("flaky")) and c["restarts"] >= 2 and c,
        timeout=30,
        message="two restarts",
    )
    steady = _components(status)["steady"]
    assert steady["state"] == "running" and steady["restarts"] == 0
    os.kill(steady["pid"], 0)  # still the same, living process
    assert flaky["last_exit"].startswith("exited with status 3")
    assert read_status(status)["flaky"]["restarts"] >= 2  # what /healthz shows
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert (
        "flaky exited with status 3 after 0 s; restarting in 1 s (restart 1). Its last line: about to fail"
        in out
    )
    assert "restarting in 2 s (restart 2)" in out  # the delay doubles
    with pytest.raises(ProcessLookupError):
        os.kill(steady["pid"], 0)
    assert read_status(status) is None  # stopped: /healthz no longer reports it


def test_healthz_reports_a_restarting_component(client, db, supervised, settings):
    _, status = supervised
    settings.SERVE_STATUS_FILE = status
    body = wait_for(
        lambda: (
            (b := client.get("/healthz").json()).get("components", {}).get("flaky", {}).get("state")
            == "restarting"
            and b
        ),
        timeout=30,
        interval=0.05,
        message="a restarting component",
    )
    assert body["components"]["steady"]["state"] == "running"
    assert "restarts_in_s" in body["components"]["flaky"]


def test_a_stale_status_file_is_ignored(tmp_path):
    status = tmp_path / "serve-status.json"
    status.write_text(
        json.dumps({"supervisor_pid": os.getpid(), "updated_at": time.time() - 3600,
                    "serving": True, "components": {}})
    )  # fmt: skip
    assert read_status(status) is None


def _alive(pid: int) -> bool:
    """Running (a zombie that nobody reaped yet counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_children_stop_when_the_supervisor_is_killed_with_sigkill(supervised):
    """Children run in sessions of their own (Ctrl-C reaches only the supervisor), so without
    die_with_parent a supervisor killed by SIGKILL would leave them running."""
    proc, status = supervised
    steady = wait_for(
        lambda: (c := _components(status).get("steady")) and c["state"] == "running" and c,
        timeout=30,
        message="the steady child running",
    )
    assert _alive(steady["pid"])
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    wait_for(
        lambda: not _alive(steady["pid"]),
        timeout=10,
        message="the child to stop after its supervisor was killed",
    )
