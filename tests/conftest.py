"""Store fixtures: every store test runs on SQLite, on PostgreSQL and through the HTTP server.

PostgreSQL comes from $TRAILMARK_TEST_POSTGRES_URL (set by scripts/test-postgres); without
it the PostgreSQL cases skip and say why. The HTTP case talks to one server per test
session (a thread on a loopback port, over a SQLite file); each test gets its own,
fresh project there, which is as empty as a fresh database to everything the protocol
reads.
"""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

import trailmark as tm

PG_ENV = "TRAILMARK_TEST_POSTGRES_URL"
PG_URL = os.environ.get(PG_ENV)
needs_pg = pytest.mark.skipif(
    not PG_URL, reason=f"PostgreSQL not configured: set {PG_ENV} (scripts/test-postgres does)"
)

needs_server = pytest.mark.skipif(
    not all(importlib.util.find_spec(name) for name in ("fastapi", "uvicorn", "httpx")),
    reason="the server extra is not installed: pip install 'trailmark[server]'",
)

SQL_BACKENDS = ["sqlite", pytest.param("postgresql", marks=[needs_pg, pytest.mark.postgres])]
BACKENDS = [*SQL_BACKENDS, pytest.param("http", marks=needs_server)]


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


def _sql_uri(request, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'trailmark.db'}"
    return request.getfixturevalue("postgres_uri")


@pytest.fixture(params=SQL_BACKENDS)
def store_uri(request, tmp_path: Path) -> str:
    """URI of a fresh, empty database on each SQL backend."""
    return _sql_uri(request, request.param, tmp_path)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Base URL of a Trailmark server running in a thread for the whole session."""
    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('server') / 'trailmark.db'}")
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path: Path) -> Iterator[tm.Store]:
    """A connected, active, empty store on each backend."""
    if request.param == "http":
        opened = tm.connect(request.getfixturevalue("live_server"), project="test-" + uuid.uuid4().hex[:12])
    else:
        opened = tm.connect(_sql_uri(request, request.param, tmp_path))
    with opened:
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
