"""A PostgreSQL 15 primary and a streaming replica of it on loopback (initdb, pg_basebackup -R), for tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NEEDED = ("initdb", "pg_ctl", "pg_basebackup", "pg_isready")


def missing_binaries() -> str | None:
    """Why no cluster can be started here, or None."""
    for name in NEEDED:
        if not (PG_BIN / name).is_file():
            return f"{PG_BIN / name} not found (PostgreSQL 15 server binaries)"
    return None


def _as_pg(*args: str) -> subprocess.CompletedProcess[str]:
    command = ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else list(args)
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    """One cluster: its data dir and port."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off -c max_connections=100"
        _as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"), "-w", "-t", "60",
               "-o", options, "start")
        for _ in range(100):
            ready = subprocess.run([str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)])
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL on port {self.port} did not become ready")

    def stop(self) -> None:
        _as_pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


class Pair:
    """A primary and its streaming replica, started in a fresh temporary folder; :meth:`destroy` removes all."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="trailmark-replica-"))
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres")
        self.primary = Node(self.root / "primary", _free_port())
        _as_pg(str(PG_BIN / "initdb"), "-D", str(self.primary.data), "-A", "trust", "-U", "postgres", "--no-sync",
               "-E", "UTF8", "--no-locale")
        self.primary.start()
        self.replica = Node(self.root / "replica", _free_port())
        _as_pg(str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
               "-D", str(self.replica.data), "-R", "-X", "stream")
        self.replica.start()

    def destroy(self) -> None:
        for node in (self.replica, self.primary):
            try:
                _as_pg(str(PG_BIN / "pg_ctl"), "-D", str(node.data), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass  # stopped already
        shutil.rmtree(self.root, ignore_errors=True)
