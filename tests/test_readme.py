"""The README's code runs as written: each python block in a new folder, in a subprocess; the
demo's command-line block line by line; every other ``trailmark ...`` line parses."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import trailmark as tm
from tests.doc_commands import blocks, command_lines, parse

README = Path(__file__).resolve().parents[1] / "README.md"
# Lines that need what a test cannot have (another store, a server kept running): parsed only.
UNSAFE = ("--uri", "server", "db upgrade")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("TRAILMARK_", "MLFLOW_"))} | {"COLUMNS": "80"}


def test_readme_has_python_and_cli_blocks():
    assert blocks(README, "python") and any("trailmark demo" in b for b in blocks(README, "bash"))


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(blocks(README, "python"))))
def test_python_block_runs_as_written(tmp_path, index):
    pytest.importorskip("sklearn")
    code = blocks(README, "python")[index]
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    if "tm.connect()" in code:  # the default store, in the folder it ran in
        with tm.connect(f"sqlite:///{tmp_path / 'trailmark.db'}") as store:
            assert store.models.aliases("house-price-rf") == {"production": 1}


@pytest.mark.slow
def test_the_command_line_block_runs_after_the_demo(tmp_path):
    pytest.importorskip("sklearn")
    block = next(b for b in blocks(README, "bash") if b.startswith("trailmark demo"))
    ran = 0
    for line in block.splitlines():
        command = line.split("  #")[0].strip()
        if not command or any(word in command for word in UNSAFE):
            continue
        done = subprocess.run([sys.executable, "-m", "trailmark", *shlex.split(command)[1:]], cwd=tmp_path,
                              env=_env(), capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.strip(), command
        ran += 1
    assert ran >= 7


def test_every_command_line_parses():
    lines = command_lines(README)
    assert len(lines) > 10
    for line, whole in lines:
        parse(line, whole=whole)
