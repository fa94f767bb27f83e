"""Governance tests run on each SQL backend (SQLite, PostgreSQL): they read and tamper with tables directly."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from sqlalchemy import text

import trailmark as tm
from tests.cli.conftest import assert_one_line_error, cli  # noqa: F401  (the `cli` fixture, reused)

KEY_1 = base64.b64encode(bytes(range(32))).decode()
KEY_2 = base64.b64encode(bytes(range(32, 64))).decode()


@pytest.fixture
def sql_store(store_uri: str) -> Iterator[tm.Store]:
    """A fresh SqlStore on each SQL backend."""
    with tm.connect(store_uri) as opened:
        yield opened


@pytest.fixture
def raw(sql_store):
    """raw(sql, **params) -> rows: SQL straight at the store's database, as an intruder would."""

    def run(statement: str, **params):
        with sql_store.engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount

    return run


@pytest.fixture
def secret_key(monkeypatch) -> str:
    """An encryption key in $TRAILMARK_SECRET_KEY (key id ``default``)."""
    for name in ("TRAILMARK_SECRET_KEYS", "TRAILMARK_SECRET_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRAILMARK_SECRET_KEY", KEY_1)
    return KEY_1


@pytest.fixture
def no_key(monkeypatch) -> None:
    for name in ("TRAILMARK_SECRET_KEY", "TRAILMARK_SECRET_KEYS", "TRAILMARK_SECRET_KEY_ID"):
        monkeypatch.delenv(name, raising=False)


def digest(n: int) -> str:
    return f"sha256:{n:064x}"
