"""Store fixtures: every store test runs on SQLite and on PostgreSQL, each on a fresh database.

PostgreSQL comes from $TRAILMARK_TEST_POSTGRES_URL (set by scripts/test-postgres); without
it the PostgreSQL cases skip and say why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

import trailmark as tm

PG_ENV = "TRAILMARK_TEST_POSTGRES_URL"
PG_URL = os.environ.get(PG_ENV)
needs_pg = pytest.mark.skipif(not PG_URL, reason=f"PostgreSQL not configured: set {PG_ENV} (scripts/test-postgres does)")

BACKENDS = ["sqlite", pytest.param("postgresql", marks=[needs_pg, pytest.mark.postgres])]


def _database_url(base: str, name: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path="/" + name))


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(PG_URL)._replace(scheme="postgresql")), autocommit=True) as conn:
        conn.execute(statement)


@pytest.fixture
def postgres_uri() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    if not PG_URL:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}")
    name = "tm_test_" + uuid.uuid4().hex[:12]
    _admin(f'CREATE DATABASE "{name}"')
    yield _database_url(PG_URL, name)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def store_uri(request, tmp_path: Path) -> str:
    """URI of a fresh, empty store on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trailmark.db'}"
    return request.getfixturevalue("postgres_uri")


@pytest.fixture
def store(store_uri: str) -> Iterator[tm.Store]:
    """A connected, active store on a fresh database."""
    with tm.connect(store_uri) as opened:
        yield opened


@pytest.fixture
def write_file(tmp_path: Path):
    """write_file(relname, content) -> Path of a file holding ``content``."""

    def _write(relname: str, content: str | bytes) -> Path:
        path = tmp_path / "files" / relname
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return _write
