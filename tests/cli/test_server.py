"""``trailmark server``: refuses what it cannot serve in one line, serves the rest."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from tests.cli.conftest import assert_one_line_error
from tests.conftest import needs_server

pytestmark = needs_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "uri, fragment", [("http://127.0.0.1:1", "not 'http://127.0.0.1:1'"), ("mysql://x/y", "'mysql://x/y'")]
)
def test_refuses_a_store_it_cannot_serve(cli, uri, fragment):
    assert_one_line_error(cli("server", "--uri", uri), fragment)


def test_serves_until_stopped(cli, tmp_path):
    import httpx

    port = free_port()
    uri = f"sqlite:///{tmp_path / 'served.db'}"
    log = tmp_path / "server.log"
    with log.open("wb") as output:  # a file, not a pipe, which the server could fill and stall on
        process = subprocess.Popen(
            [sys.executable, "-m", "trailmark", "server", "--uri", uri, "--port", str(port)],
            cwd=cli.cwd, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Traceback" not in log.read_text()
