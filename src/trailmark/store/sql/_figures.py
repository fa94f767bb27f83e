"""Figures about the whole store for ``/metrics``: runs by status, the webhook outbox, the latest drift."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, select

from trailmark.store.sql._outbox import backlog
from trailmark.store.sql._tables import artifacts, executions, projects, webhook_attempts


class DriftFigure(NamedTuple):
    project: str
    deployment: str
    column: str
    test: str
    statistic: float
    threshold: float


def runs_by_status(conn: Connection) -> dict[tuple[str, str], int]:
    """(project, status) -> number of executions."""
    rows = conn.execute(
        select(projects.c.name, executions.c.status, func.count())
        .join(projects, projects.c.id == executions.c.project_id)
        .group_by(projects.c.name, executions.c.status)
    )
    return {(project, status): count for project, status, count in rows}


def webhook_backlog(conn: Connection) -> dict[str, int]:
    """Deliveries by state (pending, delivered, failed)."""
    return backlog(conn)


def failed_attempts(conn: Connection) -> int:
    """Attempts that got no 2xx answer."""
    a = webhook_attempts
    return int(conn.execute(
        select(func.count()).where((a.c.status_code.is_(None)) | (a.c.status_code < 200) | (a.c.status_code >= 300))
    ).scalar_one())


def latest_drift(conn: Connection) -> Iterator[DriftFigure]:
    """Every column's statistic in the newest DriftReport of each deployment."""
    latest = (
        select(artifacts.c.project_id, artifacts.c.name, func.max(artifacts.c.version).label("version"))
        .where(artifacts.c.type == "DriftReport")
        .group_by(artifacts.c.project_id, artifacts.c.name)
        .subquery()
    )
    rows = conn.execute(
        select(projects.c.name.label("project"), artifacts.c.name, artifacts.c.properties)
        .join(latest, (latest.c.project_id == artifacts.c.project_id) & (latest.c.name == artifacts.c.name)
              & (latest.c.version == artifacts.c.version))
        .join(projects, projects.c.id == artifacts.c.project_id)
        .where(artifacts.c.type == "DriftReport")
    )
    for row in rows:
        columns: dict[str, Any] = (row.properties or {}).get("columns") or {}
        for column, found in columns.items():
            if isinstance(found, dict) and isinstance(found.get("statistic"), (int, float)):
                yield DriftFigure(row.project, row.name, column, str(found.get("test")), float(found["statistic"]),
                                  float(found.get("threshold") or 0.0))
