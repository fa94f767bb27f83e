"""Typed access to a SqlStore's transactions for the MLflow layer (its writes are audited like the store's)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from sqlalchemy import Connection

from trailmark.store.sql._audit import Change
from trailmark.store.sql._store import SqlStore

T = TypeVar("T")


def write(store: SqlStore, work: Callable[[Connection], T], *, audit: Callable[[T], Change | None]) -> T:
    """``work(conn)`` in one write transaction, with the audit entry ``audit(result)`` in it."""
    return store._write(work, audit=audit)


def read(store: SqlStore) -> AbstractContextManager[Connection]:
    """A read transaction on the store's database."""
    return store._read()
