"""Bulk metric rows without per-row SQLAlchemy bind processing.

A batch becomes plain tuples, its timestamps converted once per distinct value, and goes to
the driver as one ``executemany`` (SQLite) or one ``COPY`` (PostgreSQL, psycopg 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection

from trailmark.entities import Metric

_COLUMNS = "execution_id, key, value, step, timestamp"
_SQLITE_INSERT = f"INSERT INTO metrics ({_COLUMNS}) VALUES (?, ?, ?, ?, ?)"
_COPY = f"COPY metrics ({_COLUMNS}) FROM STDIN"
# The text SQLAlchemy's SQLite DateTime stores, so rows read back the same either way.
_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _stamps(points: Sequence[Metric], sqlite: bool) -> dict[datetime, Any]:
    """Each distinct timestamp of the batch in the driver's form."""
    converted: dict[datetime, Any] = {}
    for point in points:
        stamp = point.timestamp
        if stamp not in converted:
            utc = _utc(stamp)
            converted[stamp] = utc.strftime(_SQLITE_FORMAT) if sqlite else utc
    return converted


def insert_metric_rows(conn: Connection, execution_id: int, points: Sequence[Metric]) -> None:
    """Append ``points`` to the metrics table of ``conn``'s database, in the open transaction."""
    sqlite = conn.dialect.name == "sqlite"
    stamps = _stamps(points, sqlite)
    rows = [(execution_id, p.key, p.value, p.step, stamps[p.timestamp]) for p in points]
    raw: Any = conn.connection.driver_connection
    cursor = raw.cursor()
    try:
        if sqlite:
            cursor.executemany(_SQLITE_INSERT, rows)
        else:
            with cursor.copy(_COPY) as copy:
                for row in rows:
                    copy.write_row(row)
    finally:
        cursor.close()
