"""A PostgreSQL cluster for the run (``scripts/test-postgres``) and one database per store."""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test-postgres"


class PostgresUnavailable(Exception):
    """No cluster could be started; the reason is the message."""


@contextmanager
def cluster() -> Iterator[str]:
    """The base URL of a running cluster; stopped afterwards only if this call started it."""
    done = subprocess.run([str(SCRIPT), "start"], capture_output=True, text=True, check=False)
    found = re.search(r"TRAILMARK_TEST_POSTGRES_URL=(\S+)", done.stdout)
    if done.returncode != 0 or found is None:
        raise PostgresUnavailable(f"scripts/test-postgres start failed: {done.stderr.strip()[-300:]}")
    started = "already running" not in done.stderr
    try:
        yield found.group(1)
    finally:
        if started:
            subprocess.run([str(SCRIPT), "stop"], capture_output=True, check=False)


@contextmanager
def database(base_url: str, name: str) -> Iterator[str]:
    """A new, empty database ``name`` in the cluster; dropped afterwards."""
    from sqlalchemy import create_engine, text

    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
