"""Engines, transactions and the translation of database errors.

One transaction per public call, committed before the call returns. On SQLite, writes
take the write lock up front (``BEGIN IMMEDIATE``) under a busy timeout, so concurrent
writers queue instead of failing with "database is locked"; on PostgreSQL, a unique
violation caused by a concurrent writer is retried with fresh data.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)

from trailmark.errors import ConflictError, TrailmarkError, ValidationError
from trailmark.store.sql import _txn

_logger = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 60_000
WRITE_RETRIES = 8
IDLE_PING_SECONDS = 5.0
_WRITE_OPTION = "trailmark_write"


def make_engine(uri: str, *, ping_always: bool = False) -> Engine:
    """An engine for a ``sqlite://`` or ``postgresql://`` URI, set up for Trailmark.

    A PostgreSQL connection is checked before use when it has been idle for a while, or
    every time with ``ping_always`` (for a server that may be gone, so a read can go elsewhere).
    """
    try:
        url = make_url(uri)
    except ArgumentError as exc:
        raise ValidationError(f"cannot read store URI {uri!r}: {exc}") from exc
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        # No server-side prepared statements: after five runs PostgreSQL would switch a search
        # to a generic plan that ignores the bound values (3.5 ms -> 56 ms measured). Sessions
        # in UTC: timestamps come back with datetime's own UTC, the cheapest zone to build.
        engine = _create(url, pool_size=5, max_overflow=10, pool_pre_ping=ping_always,
                         connect_args={"prepare_threshold": None, "options": "-c TimeZone=UTC"})
        if not ping_always:
            _ping_when_idle(engine)
        return engine
    if backend == "sqlite":
        engine = _create(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    raise ValidationError(f"unsupported store URI {uri!r}: use sqlite:///PATH, postgresql://... or http://...")


def _create(url: URL, **kwargs: Any) -> Engine:
    try:
        return create_engine(url, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise TrailmarkError(
            f"no database driver for {url.drivername}: pip install 'trailmark[postgres]'"
        ) from exc


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use if it has been idle long enough to have been dropped.

    A ping on every checkout (``pool_pre_ping``) costs a round trip per call; a connection
    used in the last ``IDLE_PING_SECONDS`` is taken as alive. One found dead is replaced.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure of the ping: the pool connects again
            raise DisconnectionError(f"a pooled connection was dropped: {exc}") from exc


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:  # a DB-API connection
        # Let SQLAlchemy's begin event below issue BEGIN itself (pysqlite's own handling
        # would defer it and so could not take the write lock up front).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (inside :func:`transaction`, that transaction: it sees its own writes)."""
    joined = _joined(engine)
    if joined is not None:
        with _translated():
            _txn.flush(joined.conn)  # the batch's own audit entries, for a read of the log
            yield joined.conn
        return
    with _translated(), engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Each statement of a READ COMMITTED transaction takes its own snapshot anyway: without
            # BEGIN and COMMIT a read sees the same and saves two round trips.
            conn.execution_options(isolation_level="AUTOCOMMIT")
        with conn.begin():
            yield conn


@dataclass
class _Batch:
    engine: Engine
    conn: Connection
    failed: BaseException | None = None


_BATCH: ContextVar[_Batch | None] = ContextVar("trailmark_batch", default=None)


def _joined(engine: Engine) -> _Batch | None:
    batch = _BATCH.get()
    return batch if batch is not None and batch.engine is engine else None


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction that every :func:`write` and :func:`read` on ``engine`` in this context joins.

    Committed when the block ends; an exception rolls all of it back. A write that failed
    inside the block fails the whole block even when the caller caught its error, since
    the database may hold half of it. Nested blocks join the outer one. Not retried: a
    clash with a concurrent writer is a ConflictError (on SQLite the write lock is taken
    up front, so there is none).
    """
    outer = _joined(engine)
    if outer is not None:
        yield outer.conn
        return
    with _translated(), engine.connect() as conn:
        conn = conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin(), _memory(conn) as tx:
            batch = _Batch(engine, conn)
            token = _BATCH.set(batch)
            try:
                yield conn
            finally:
                _BATCH.reset(token)
            if batch.failed is not None:
                raise TrailmarkError(
                    f"a write of the batch failed ({batch.failed}), so none of the batch was stored"
                ) from batch.failed
            tx.flush(conn)


def write(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run ``work(conn)`` in one write transaction, committed before returning.

    A unique violation from a concurrent writer, a lock or a serialization failure
    reruns ``work`` from the start (it must re-read what it depends on); any other
    IntegrityError becomes ConflictError. Inside :func:`transaction`, ``work`` runs in it, once.
    """
    joined = _joined(engine)
    if joined is not None:
        try:
            with _translated():
                return work(joined.conn)
        except BaseException as exc:
            joined.failed = exc
            raise
    for attempt in range(WRITE_RETRIES):
        try:
            with _translated(retryable=True), engine.connect() as conn:
                conn = conn.execution_options(**{_WRITE_OPTION: True})
                with conn.begin(), _memory(conn) as tx:
                    result = work(conn)
                    tx.flush(conn)
                    return result
        except _Retry as retry:
            _logger.debug("write retried (attempt %d): %s", attempt + 1, retry.__cause__)
            time.sleep(random.uniform(0, 0.01 * 2**attempt))  # jittered backoff
            last = retry.__cause__
    raise ConflictError(f"write kept clashing with concurrent writers: {last}") from last


@contextmanager
def _memory(conn: Connection) -> Iterator[_txn.Tx]:
    """What the write transaction on ``conn`` keeps in memory (see _txn), for as long as it runs."""
    tx = _txn.begin(conn)
    try:
        yield tx
    finally:
        _txn.end(conn)


class _Retry(Exception):
    """Internal: the transaction lost a race and is safe to run again."""


@contextmanager
def _translated(*, retryable: bool = False) -> Iterator[None]:
    """Translate driver errors into Trailmark errors, at this one boundary."""
    try:
        yield
    except IntegrityError as exc:
        if retryable:
            raise _Retry() from exc
        raise ConflictError(f"the write conflicts with stored data: {exc.orig}") from exc
    except OperationalError as exc:
        message = str(exc.orig)
        if retryable and _is_transient(message):
            raise _Retry() from exc
        raise TrailmarkError(f"database error: {_first_line(message)}") from exc
    except DataError as exc:
        # A value the database cannot hold (too long, out of range, a NUL byte on PostgreSQL)
        # is the caller's mistake, not the server's: say which value the database refused.
        raise ValidationError(f"the database refused a value: {_first_line(str(exc.orig))}") from exc
    except DBAPIError as exc:
        if retryable and _is_transient(str(exc.orig)):
            raise _Retry() from exc
        raise TrailmarkError(f"database error: {_first_line(str(exc.orig))}") from exc


def _is_transient(message: str) -> bool:
    lowered = message.lower()
    return "locked" in lowered or "could not serialize" in lowered or "deadlock" in lowered


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"
