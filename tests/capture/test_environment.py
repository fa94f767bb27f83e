"""capture_environment: interpreter, host, git state and packages, cached per process."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from trailmark.capture import capture_environment
from trailmark.capture.environment import git_state, installed_packages, packages_digest

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_fields() -> None:
    env = capture_environment()
    assert env["python"] == platform.python_version()
    assert env["implementation"] == platform.python_implementation()
    assert env["platform"] == platform.platform()
    assert env["pid"] == os.getpid()
    assert env["host"] and env["user"] and env["cwd"]
    assert env["packages"]["pytest"] == pytest.__version__
    assert env["packages_digest"] == packages_digest(env["packages"])
    assert json.loads(json.dumps(env)) == env


def test_packages_are_normalised_and_unique() -> None:
    packages = installed_packages()
    assert all(name == name.lower() and "_" not in name for name in packages)
    assert list(packages) == sorted(packages)


def test_packages_digest_is_order_free() -> None:
    assert packages_digest({"a": "1", "b": "2"}) == packages_digest({"b": "2", "a": "1"})
    assert packages_digest({"a": "1"}) != packages_digest({"a": "2"})


def test_cached_after_the_first_call() -> None:
    first = capture_environment()
    first["packages"]["injected"] = "0"
    first["python"] = "changed"
    start = time.perf_counter()
    for _ in range(100):
        again = capture_environment()
    assert (time.perf_counter() - start) / 100 < 0.001
    assert "injected" not in again["packages"] and again["python"] == platform.python_version()


@needs_git
def test_git_state_of_a_repository(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "trunk")
    assert git_state(str(tmp_path)) == {"commit": None, "branch": "trunk", "dirty": False, "remote": None}
    (tmp_path / "train.py").write_text("print(1)\n")
    git(tmp_path, "add", "train.py")
    git(tmp_path, "commit", "-q", "-m", "first")
    git(tmp_path, "remote", "add", "origin", "https://someone:secret@example.invalid/team/repo.git")
    state = git_state(str(tmp_path))
    assert state == {"commit": git(tmp_path, "rev-parse", "HEAD"), "branch": "trunk", "dirty": False,
                     "remote": "https://example.invalid/team/repo.git"}
    (tmp_path / "train.py").write_text("print(2)\n")
    assert git_state(str(tmp_path))["dirty"] is True


@needs_git
def test_git_state_outside_a_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert git_state(str(outside)) is None


def test_git_state_without_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert git_state(str(tmp_path)) is None
