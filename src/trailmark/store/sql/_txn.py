"""What one write transaction keeps in memory: facts that cannot change before it commits.

A write transaction holds the write lock to its end (SQLite's ``BEGIN IMMEDIATE``; on
PostgreSQL the audit chain's advisory lock, from its first append), so within it the
chain's head is the entry it appended last, and no other writer adds or removes a webhook
of the project. Writes in a batch (or a ``log_step``) share the transaction, so they share
this too: the head is read once per transaction, not once per entry.

Inserts nothing in the transaction reads again (the audit entries) are collected and
written with one ``executemany`` just before commit; :func:`flush` writes them earlier for
a statement that reads or references them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Executable

from trailmark.errors import TrailmarkError

T = TypeVar("T")

_UNREAD: Any = object()  # the chain's head, not read yet in this transaction


@dataclass
class Tx:
    """One write transaction's memory (see the module docstring)."""

    head: Any = _UNREAD  # (seq, hash) of the chain's newest entry once read or appended; None: the log is empty
    created: set[int] = field(default_factory=set)  # nodes inserted in this transaction
    classified: bool = False  # a classification was added in this transaction
    cached: dict[Any, Any] = field(default_factory=dict)  # facts read once (webhook subscriptions by project)
    deferred: dict[int, tuple[Executable, list[dict[str, Any]]]] = field(default_factory=dict)  # by statement id
    failed: BaseException | None = None  # a deferred insert that failed

    @property
    def head_known(self) -> bool:
        return self.head is not _UNREAD

    def once(self, key: Any, read: Callable[[], T]) -> T:
        """``read()`` the first time ``key`` is asked for in this transaction, then what it gave."""
        if key not in self.cached:
            self.cached[key] = read()
        found: T = self.cached[key]
        return found

    def forget(self, key: Any) -> None:
        self.cached.pop(key, None)

    def defer(self, statement: Executable, row: dict[str, Any]) -> None:
        """Run ``statement`` with ``row`` before commit, with the other rows of that statement (in order)."""
        self.deferred.setdefault(id(statement), (statement, []))[1].append(row)

    def flush(self, conn: Connection) -> None:
        """Run the deferred inserts now; once one has failed, the transaction cannot commit."""
        if self.failed is not None:
            raise TrailmarkError(f"rows of this transaction could not be written ({self.failed})") from self.failed
        while self.deferred:
            statement, rows = self.deferred.pop(next(iter(self.deferred)))
            try:
                conn.execute(statement, rows[0] if len(rows) == 1 else rows)
            except BaseException as exc:
                self.failed = exc
                raise


_OPEN: dict[int, tuple[Connection, Tx]] = {}  # by id of the connection; entries live while the transaction does
_GUARD = threading.Lock()


def begin(conn: Connection) -> Tx:
    """The memory of the write transaction just begun on ``conn``; :func:`end` it when the transaction ends."""
    tx = Tx()
    with _GUARD:
        _OPEN[id(conn)] = (conn, tx)
    return tx


def end(conn: Connection) -> None:
    with _GUARD:
        _OPEN.pop(id(conn), None)


def of(conn: Connection) -> Tx | None:
    """The memory of the write transaction running on ``conn`` (None: a read, or a connection made elsewhere)."""
    found = _OPEN.get(id(conn))
    return found[1] if found is not None and found[0] is conn else None


def created(conn: Connection, node: int) -> None:
    """Note that ``node`` was inserted in the transaction on ``conn``."""
    tx = of(conn)
    if tx is not None:
        tx.created.add(node)


def flush(conn: Connection) -> None:
    """Write the transaction's deferred inserts now (before a statement that reads or references them)."""
    tx = of(conn)
    if tx is not None:
        tx.flush(conn)
