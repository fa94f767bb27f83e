"""One execution's metric series read as columns, with no per-row conversion (a :class:`MetricSeries`).

The rows come in index order (``ix_metrics_series``: execution, key, step, then the row id,
which SQLite keeps in the index), so SQLite sorts nothing, and are read from the driver's
cursor as plain tuples (:func:`plain_rows`); points that share a key and a step, rare, are then put in time
order in Python. Timestamps stay as the driver gives them
(SQLite: UTC text) until the series is asked for datetimes or text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import eq
from typing import Any

from sqlalchemy import Connection, select, type_coerce
from sqlalchemy.types import NullType

from trailmark.store._series import AwareStamps, MetricSeries, Stamps
from trailmark.store.sql._decoded_rows import sqlite_stamp
from trailmark.store.sql._plain_rows import plain_rows
from trailmark.store.sql._tables import metrics

_TEXT_LENGTH = len("2026-12-01 10:00:00.250000")  # how the store writes a timestamp on SQLite


class SqliteStamps:
    """SQLite's timestamps: naive UTC text, ``YYYY-MM-DD HH:MM:SS.ffffff``."""

    def datetimes(self, raw: Sequence[Any]) -> list[datetime]:
        return list(map(sqlite_stamp, raw))

    def iso(self, raw: Sequence[Any]) -> list[str]:
        """As ``datetime.isoformat`` writes them (no fraction when it is zero), built from the text."""
        if any(len(t) != _TEXT_LENGTH for t in raw):
            return AwareStamps().iso(self.datetimes(raw))
        return [f"{t[:10]}T{t[11:19] if t.endswith('.000000') else t[11:]}+00:00" for t in raw]

    def millis(self, raw: Sequence[Any]) -> list[int]:
        return [round(t.timestamp() * 1000) for t in self.datetimes(raw)]


def load(conn: Connection, execution_id: int, key: str | None) -> MetricSeries:
    """Points of one execution (one key, or all), ordered by key, step and time."""
    c = metrics.c
    stamp = type_coerce(c.timestamp, NullType())  # the driver's value, not a datetime built per row
    columns = [c.value, c.step, stamp, c.id] if key is not None else [c.key, c.value, c.step, stamp, c.id]
    query = select(*columns).where(c.execution_id == execution_id)
    query = query.where(c.key == key).order_by(c.step, c.id) if key is not None else query.order_by(
        c.key, c.step, c.id)
    rows = plain_rows(conn, query)
    format: Stamps = SqliteStamps() if conn.dialect.name == "sqlite" else AwareStamps()
    if not rows:
        return MetricSeries([], [], [], [], format)
    found = [list(column) for column in zip(*rows, strict=True)]
    keys = [key] * len(rows) if key is not None else found.pop(0)
    values, steps, stamps, ids = found
    if any(map(eq, steps, steps[1:])):  # a step logged twice (or two keys' steps meet): order by time
        order = sorted(range(len(rows)), key=lambda i: (keys[i], steps[i], stamps[i], ids[i]))
        keys, values, steps, stamps = ([column[i] for i in order] for column in (keys, values, steps, stamps))
    return MetricSeries(keys, values, steps, stamps, format)
