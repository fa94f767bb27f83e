"""Run the real command in a subprocess, in an empty working directory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture
def cli(tmp_path):
    """cli(*args, uri=None) -> CompletedProcess of ``python -m trailmark ARGS``."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()

    def run(*args: str, uri: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "TRAILMARK_URI"}
        env["COLUMNS"] = "200"
        if uri is not None:
            env["TRAILMARK_URI"] = uri
        return subprocess.run(
            [sys.executable, "-m", "trailmark", *args], cwd=cwd, env=env, capture_output=True, text=True,
            timeout=timeout, stdin=subprocess.DEVNULL,
        )

    run.cwd = cwd
    return run


def assert_one_line_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for fragment in fragments:
        assert fragment in lines[0]
