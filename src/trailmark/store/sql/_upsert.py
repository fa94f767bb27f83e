"""INSERT ... ON CONFLICT for the two dialects Trailmark speaks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def upsert(
    conn: Connection,
    table: Table,
    values: dict[str, Any] | list[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str] | Callable[[Any], dict[str, Any]],
) -> None:
    """Insert ``values``; on a clash of ``keys`` update the columns named by ``update``.

    ``update`` is a list of columns taken from the new row, or a function of the
    ``excluded`` pseudo-row returning column -> expression; empty means "do nothing".
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    if not update:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    else:
        set_ = update(statement.excluded) if callable(update) else {c: statement.excluded[c] for c in update}
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=set_)
    conn.execute(statement, values)

