"""INSERT ... ON CONFLICT for the two dialects Trailmark speaks.

Statements are built once per (dialect, table, keys, columns) and reused, so SQLAlchemy's
compiled-statement cache serves every later call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

Values = dict[str, Any] | list[dict[str, Any]]


def upsert(conn: Connection, table: Table, values: Values, *, keys: Sequence[str], update: Sequence[str] = ()) -> None:
    """Insert ``values``; on a clash of ``keys`` overwrite the columns in ``update`` (none: keep the old row)."""
    conn.execute(_statement(conn.dialect.name, table, tuple(keys), tuple(update)), values)


def upsert_with(
    conn: Connection, statement_for: Callable[[str], Any], values: Values
) -> None:
    """Run an upsert built by ``statement_for(dialect_name)`` (which should be cached by the caller)."""
    conn.execute(statement_for(conn.dialect.name), values)


def insert_for(dialect_name: str, table: Table) -> Any:
    """The dialect's INSERT construct, which has ``on_conflict_do_*`` and ``excluded``."""
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(table)


@cache
def _statement(dialect_name: str, table: Table, keys: tuple[str, ...], update: tuple[str, ...]) -> Any:
    statement = insert_for(dialect_name, table)
    if not update:
        return statement.on_conflict_do_nothing(index_elements=list(keys))
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={c: statement.excluded[c] for c in update}
    )
