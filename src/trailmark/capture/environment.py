"""The environment a run executes in: interpreter, host, user, git state and packages.

Everything but the process id is read once per process and cached, so later calls cost
microseconds.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import os
import platform
import re
import socket
import subprocess
from typing import Any
from urllib.parse import urlsplit, urlunsplit

GIT_TIMEOUT = 2.0


def capture_environment() -> dict[str, Any]:
    """A fresh dict describing this process's environment (JSON-safe)."""
    cached = _static()
    git = cached["git"]
    return {
        **cached,
        "pid": os.getpid(),
        "git": dict(git) if git is not None else None,
        "packages": dict(cached["packages"]),
    }


@functools.cache
def _static() -> dict[str, Any]:
    packages = installed_packages()
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "host": socket.gethostname(),
        "user": _user(),
        "cwd": os.getcwd(),
        "git": git_state(os.getcwd()),
        "packages": packages,
        "packages_digest": packages_digest(packages),
    }


def installed_packages() -> dict[str, str]:
    """{normalised distribution name: version}; the first of duplicates on sys.path wins."""
    from importlib.metadata import distributions

    found: dict[str, str] = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if name and dist.version:
            found.setdefault(re.sub(r"[-_.]+", "-", name).lower(), dist.version)
    return dict(sorted(found.items()))


def packages_digest(packages: dict[str, str]) -> str:
    """``sha256:`` over ``name==version`` lines, sorted by name."""
    text = "".join(f"{name}=={version}\n" for name, version in sorted(packages.items()))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def git_state(directory: str) -> dict[str, Any] | None:
    """Commit, branch, dirty flag and origin URL of the repository holding ``directory``.

    None outside a repository or when git is missing or too slow. ``commit`` is None in
    a repository without commits and ``branch`` on a detached HEAD; credentials in the
    remote URL are removed.
    """
    if _git(directory, "rev-parse", "--show-toplevel") is None:
        return None
    status = _git(directory, "status", "--porcelain", "--untracked-files=no")
    remote = _git(directory, "config", "--get", "remote.origin.url")
    return {
        "commit": _git(directory, "rev-parse", "--verify", "--quiet", "HEAD"),
        "branch": _git(directory, "symbolic-ref", "--short", "--quiet", "HEAD"),
        "dirty": bool(status),
        "remote": _without_credentials(remote) if remote else None,
    }


def _git(directory: str, *args: str) -> str | None:
    """stdout of a git command, stripped; None on any failure."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=directory, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return url


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or str(os.getuid())
