"""The whole service as its operator runs it (``manage.py serve``), for tests and benchmarks:
start it on a free port, upload through the REST API over HTTP, read /healthz and the
supervisor's status file."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.workers import Process

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    process: Process
    url: str
    var_dir: Path

    def status(self) -> dict[str, Any]:
        return json.loads((self.var_dir / "serve-status.json").read_text())["components"]

    def healthz(self) -> tuple[int, dict[str, Any]]:
        try:
            with urllib.request.urlopen(self.url + "healthz", timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")
        except OSError:
            return 0, {}

    def kill_component(self, name: str) -> int:
        pid = int(self.status()[name]["pid"])
        os.killpg(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process.popen.poll() is None:
            self.process.popen.send_signal(signal.SIGINT)  # as Ctrl-C
        try:
            self.process.popen.wait(timeout=60)
        except Exception:
            self.process.kill()


def start_serve(env: dict[str, str], var_dir: Path, *, concurrency: int = 2) -> Served:
    """``manage.py serve`` in its own process group; returns once /healthz answers 200."""
    port = free_port()
    var_dir.mkdir(parents=True, exist_ok=True)
    full_env = {**env, "VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable, "manage.py", "serve", "--port", str(port),
        "--concurrency", str(concurrency), "--web-workers", "2",
    ]  # fmt: skip
    served = Served(
        Process("serve", cmd, full_env, marker="is up at"), f"http://127.0.0.1:{port}/", var_dir
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if served.healthz()[0] == 200:
            return served
        if served.process.popen.poll() is not None:
            break
        time.sleep(0.5)
    text = served.process.text(200)
    served.stop()
    raise RuntimeError(f"serve did not become healthy:\n{served.healthz()}\n{text}")


def http_upload(
    url: str, token: str, archive: bytes, *, filename: str = "package.tar.gz"
) -> tuple[int, dict[str, Any]]:
    """POST a package to the API as multipart/form-data; returns (status, JSON body)."""
    boundary = uuid.uuid4().hex
    body = b"".join(
        [
            f"--{boundary}\r\n".encode(),
            f'Content-Disposition: form-data; name="package"; filename="{filename}"\r\n'.encode(),
            b"Content-Type: application/gzip\r\n\r\n",
            archive,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")
