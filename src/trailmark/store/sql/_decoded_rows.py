"""Rows read as the driver's plain tuples, each column decoded by a function chosen once per query.

SQLAlchemy's ``Row`` and its result processing, one call chain per value, took over half
of a 100-execution search page on SQLite (JSON text decoded, timestamp text parsed by a
regular expression, then made aware). Here a column's decoder is picked from its type
before the rows are read: on SQLite, JSON text goes straight to ``json.loads`` and
timestamp text to ``datetime.fromisoformat``; every other column (and every column on
PostgreSQL, whose driver already gives dicts and UTC datetimes) keeps SQLAlchemy's own
processor, if it has one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Connection, Select

from trailmark.store.sql._plain_rows import typed_rows
from trailmark.store.sql._tables import UTCDateTime

Decoder = Callable[[Any], Any]


def decoded_rows(conn: Connection, query: Select[Any]) -> list[dict[str, Any]]:
    """The rows of ``query`` as dicts by column name, with the values its column types read."""
    rows, codes = typed_rows(conn, query)
    if not rows:
        return []
    columns = list(query.selected_columns)
    names = [str(column.key) for column in columns]
    decoders = [(i, d) for i, (column, code) in enumerate(zip(columns, codes, strict=True))
                if (d := _decoder(conn, column.type, code)) is not None]
    found = []
    for row in rows:
        values = list(row)
        for i, decode in decoders:
            if values[i] is not None:
                values[i] = decode(values[i])
        found.append(dict(zip(names, values, strict=True)))
    return found


def _decoder(conn: Connection, type_: Any, code: Any) -> Decoder | None:
    """How a value of ``type_`` (sent by the driver as type ``code``) is read; None: as it comes."""
    dialect = conn.dialect
    if dialect.name == "sqlite":
        if isinstance(type_, UTCDateTime):
            return sqlite_stamp
        if isinstance(type_, JSON):
            return json.loads
    processor: Decoder | None = type_.dialect_impl(dialect).result_processor(dialect, code)
    return processor  # NULLs are passed by, as SQLAlchemy's processors would give them back


def sqlite_stamp(text: str) -> datetime:
    """SQLAlchemy's SQLite timestamp text (``2026-05-01 10:00:00.000000``, UTC) as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
