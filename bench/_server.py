"""The Trailmark server as a subprocess on a free loopback port."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READY_SECONDS = 60
WORKERS = len(os.sched_getaffinity(0))  # one worker process per core, as the server is meant to run


COMMAND = [sys.executable, "-c", "from trailmark.cli import main; main()"]


def available() -> bool:
    """True once the installed Trailmark has the server, its HTTP client and the ``server`` command."""
    if any(importlib.util.find_spec(m) is None for m in ("trailmark.server", "trailmark.store.http")):
        return False
    return subprocess.run([*COMMAND, "server", "--help"], capture_output=True, check=False).returncode == 0


@contextmanager
def serve(store_uri: str, log: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a server over ``store_uri``, logging to ``log``; stopped afterwards."""
    port = _free_port()
    command = [*COMMAND, "--uri", store_uri, "server", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(WORKERS)]
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(process, url, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"trailmark server exited: {log.read_text()[-500:]}")
        try:
            with urllib.request.urlopen(f"{url}/openapi.json", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise RuntimeError(f"trailmark server not ready on {url} after {READY_SECONDS} s")
