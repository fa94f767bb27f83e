"""Bulk-load executions straight into a SQL store's own tables, for W2.

Through the API, each execution is three transactions (start, metrics, end), and
100,000 of them take minutes; this loader writes the same rows (node, execution,
parameter index, metric points, latest-value rows) in batched INSERTs, one transaction
per batch. It writes no audit entries. On PostgreSQL it then runs ANALYZE, as
autovacuum would within a minute of such a load.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from bench._data import SearchRow
from trailmark.store.sql import SqlStore
from trailmark.store.sql._tables import (
    executions,
    latest_metrics,
    metrics,
    nodes,
    params,
    projects,
)

BATCH = 5_000


def load(store: SqlStore, rows: list[SearchRow]) -> list[int]:
    """Insert one COMPLETE execution per row; their ids, in row order."""
    now = datetime.now(timezone.utc)
    ids: list[int] = []
    with store.engine.begin() as conn:
        project_id = conn.execute(select(projects.c.id).where(projects.c.name == store.project)).scalar_one()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        with store.engine.begin() as conn:
            new = conn.execute(
                nodes.insert().returning(nodes.c.id, sort_by_parameter_order=True), [{"kind": "execution"}] * len(batch)
            ).scalars().all()
            execution_rows = [_execution(i, r, project_id, now) for i, r in zip(new, batch, strict=True)]
            conn.execute(executions.insert(), execution_rows)
            conn.execute(params.insert(), [p for i, r in zip(new, batch, strict=True) for p in _params(i, r)])
            points = [p for i, r in zip(new, batch, strict=True) for p in _points(i, r, now)]
            conn.execute(metrics.insert(), points)
            latest = [{**p, "min_value": p["value"], "max_value": p["value"]} for p in points]
            conn.execute(latest_metrics.insert(), latest)
        ids += new
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return ids


def _execution(node_id: int, row: SearchRow, project_id: int, now: datetime) -> dict[str, Any]:
    return {
        "id": node_id, "project_id": project_id, "type": "Train", "name": f"run-{row.index}", "status": "COMPLETE",
        "params": row.params, "environment": {}, "environment_id": None, "started_at": now, "ended_at": now,
        "resources": {}, "error": None, "created_by": "bench", "uid": uuid.uuid4().hex,
    }


def _params(node_id: int, row: SearchRow) -> list[dict[str, Any]]:
    return [
        {"execution_id": node_id, "key": key, "value_text": str(value),
         "value_num": float(value) if isinstance(value, (int, float)) else None}
        for key, value in row.params.items()
    ]


def _points(node_id: int, row: SearchRow, now: datetime) -> list[dict[str, Any]]:
    return [
        {"execution_id": node_id, "key": key, "value": value, "step": 0, "timestamp": now}
        for key, value in (("rmse", row.rmse), ("mae", row.mae))
    ]
