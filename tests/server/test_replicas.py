"""A server with --read-uri: reads from a real streaming replica, writes to the primary, read-your-writes.

The primary and its replica are real PostgreSQL 15 clusters on loopback (see replicas.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

import trailmark as tm
from trailmark.errors import NotFoundError, ValidationError
from trailmark.server.app import create_app
from trailmark.store.sql._replica import check_read_uri, parse_lsn

from .live import serve_in_thread
from .replicas import Pair, missing_binaries

REPLICA_LOGGER = "trailmark.store.sql._replica"


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    missing = missing_binaries()
    if missing:
        pytest.skip(f"no PostgreSQL to replicate: {missing}")
    started = Pair()
    try:
        yield started
    finally:
        started.destroy()


@pytest.fixture(scope="module")
def server(pair: Pair) -> Iterator[str]:
    with serve_in_thread(create_app(pair.primary.url, read_uri=pair.replica.url)) as url:
        yield url


def _sql(url: str, statement: str) -> object:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(statement).fetchone()


def _eventually(check, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def _sees(store: tm.Store, ref: str) -> bool:
    try:
        store.get(ref)
    except NotFoundError:
        return False
    return True


def test_lsn_parsing() -> None:
    assert parse_lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert parse_lsn("0/0") == 0
    for bad in (None, "", "16", "x/1", "1/2/3", "1" * 9 + "/" + "1" * 9):
        assert parse_lsn(bad) is None


def test_a_read_uri_must_be_postgresql() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL"):
        check_read_uri("sqlite:///x.db", "postgresql://u@h/db")
    with pytest.raises(ValidationError, match="PostgreSQL"):
        check_read_uri("postgresql://u@replica/db", "sqlite:///x.db")


@pytest.mark.slow
def test_reads_come_from_the_replica_and_the_writer_reads_its_own_writes(pair: Pair, server: str) -> None:
    writer = tm.connect(server, project="replicated")
    reader = tm.connect(server, project="replicated")
    first = writer.log_artifact("dataset", "before-pause", "file:///a")
    _eventually(lambda: _sees(reader, first.ref))

    _sql(pair.replica.url, "SELECT pg_wal_replay_pause()")
    try:
        written = writer.log_artifact("dataset", "while-paused", "file:///b")
        time.sleep(0.3)  # the replica received the write but does not replay it
        with pytest.raises(NotFoundError):  # a client that did not write reads the replica: the older state
            reader.get(written.ref)
        assert writer.get(written.ref).id == written.id  # the writer is served by the primary meanwhile
        assert [a.name for a in writer.versions("dataset", "while-paused")] == ["while-paused"]
        with pytest.raises(NotFoundError):
            reader.get(written.ref)
    finally:
        _sql(pair.replica.url, "SELECT pg_wal_replay_resume()")
    _eventually(lambda: _sees(reader, written.ref))
    assert writer.get(written.ref).id == written.id


@pytest.mark.slow
def test_a_replica_that_is_down_sends_reads_to_the_primary_and_says_so_once(
    pair: Pair, server: str, caplog: pytest.LogCaptureFixture
) -> None:
    writer = tm.connect(server, project="replica-down")
    reader = tm.connect(server, project="replica-down")
    made = writer.log_artifact("dataset", "kept", "file:///k")
    _eventually(lambda: _sees(reader, made.ref))
    caplog.set_level(logging.WARNING, logger=REPLICA_LOGGER)
    pair.replica.stop()
    try:
        for _ in range(5):
            assert reader.get(made.ref).id == made.id
        later = writer.log_artifact("dataset", "written-while-down", "file:///w")
        assert reader.get(later.ref).id == later.id
        gone = [r.getMessage() for r in caplog.records if r.name == REPLICA_LOGGER and "unreachable" in r.getMessage()]
        assert len(gone) == 1, gone
        assert "reads go to the primary" in gone[0]
    finally:
        pair.replica.start()
    from trailmark.store.sql import _replica

    time.sleep(_replica.RETRY_SECONDS + 0.5)
    _eventually(lambda: _sees(reader, later.ref))
    back = [r.getMessage() for r in caplog.records if r.name == REPLICA_LOGGER and "is back" in r.getMessage()]
    assert len(back) == 1, back
