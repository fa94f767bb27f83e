"""Metric time series, with a latest-value row per series kept in step on every write."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, case, func, select

from trailmark.entities import Metric
from trailmark.store.sql._bulk import insert_metric_rows
from trailmark.store.sql._tables import latest_metrics
from trailmark.store.sql._upsert import insert_for, upsert_with

_ID_CHUNK = 5000


def insert_points(conn: Connection, execution_id: int, points: Sequence[Metric]) -> None:
    """Append points and fold them into the series' latest value, min and max."""
    if not points:
        return
    insert_metric_rows(conn, execution_id, points)
    upsert_with(conn, _fold_statement, [_summary(execution_id, key, series) for key, series in _by_key(points).items()])


def _by_key(points: Sequence[Metric]) -> dict[str, list[Metric]]:
    grouped: dict[str, list[Metric]] = {}
    for point in points:
        grouped.setdefault(point.key, []).append(point)
    return grouped


def _summary(execution_id: int, key: str, series: list[Metric]) -> dict[str, Any]:
    last = max(series, key=lambda p: (p.step, p.timestamp))
    values = [p.value for p in series]
    return {
        "execution_id": execution_id,
        "key": key,
        "value": last.value,
        "step": last.step,
        "timestamp": last.timestamp,
        "min_value": min(values),
        "max_value": max(values),
    }


@cache
def _fold_statement(dialect_name: str) -> Any:
    """Upsert of a series summary that keeps the later step's value and widens min/max."""
    statement = insert_for(dialect_name, latest_metrics)
    old, new = latest_metrics.c, statement.excluded
    newer = new.step >= old.step
    smaller, larger = (func.least, func.greatest) if dialect_name == "postgresql" else (func.min, func.max)
    return statement.on_conflict_do_update(index_elements=["execution_id", "key"], set_={
        "value": case((newer, new.value), else_=old.value),
        "step": case((newer, new.step), else_=old.step),
        "timestamp": case((newer, new.timestamp), else_=old.timestamp),
        "min_value": smaller(old.min_value, new.min_value),
        "max_value": larger(old.max_value, new.max_value),
    })


def latest_values(conn: Connection, execution_id: int) -> dict[str, float]:
    """The latest step's value of every metric of an execution."""
    rows = conn.execute(
        select(latest_metrics.c.key, latest_metrics.c.value)
        .where(latest_metrics.c.execution_id == execution_id)
        .order_by(latest_metrics.c.key)
    )
    return {r.key: r.value for r in rows}


def latest_values_of(conn: Connection, execution_ids: Sequence[int]) -> dict[int, dict[str, float]]:
    """``latest_values`` of several executions in one query (one per 5,000 ids), by execution id."""
    found: dict[int, dict[str, float]] = {}
    distinct = sorted(set(execution_ids))
    c = latest_metrics.c
    for offset in range(0, len(distinct), _ID_CHUNK):
        chunk = distinct[offset : offset + _ID_CHUNK]
        rows = conn.execute(select(c.execution_id, c.key, c.value).where(c.execution_id.in_(chunk))
                            .order_by(c.execution_id, c.key))
        for execution_id, key, value in rows:
            found.setdefault(execution_id, {})[key] = value
    return found
