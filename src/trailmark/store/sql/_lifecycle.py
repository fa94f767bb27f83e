"""Lifecycle in SQL: soft delete and restore, descriptions, tag removal, heartbeats and reaping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Table, and_, or_, select

from trailmark.entities import Status
from trailmark.errors import ConflictError
from trailmark.store._lifecycle import reaped_error
from trailmark.store.sql._executions import finish
from trailmark.store.sql._tables import artifacts, executions, tags


def _table(kind: str) -> Table:
    return executions if kind == "execution" else artifacts


def set_lifecycle(conn: Connection, kind: str, node_id: int, lifecycle: str) -> bool:
    """Mark a node active or deleted; whether it changed (deleting twice is no change)."""
    table = _table(kind)
    done = conn.execute(
        table.update().where(table.c.id == node_id, table.c.lifecycle != lifecycle).values(lifecycle=lifecycle)
    )
    return bool(done.rowcount)


def set_description(conn: Connection, kind: str, node_id: int, text: str | None) -> None:
    table = _table(kind)
    conn.execute(table.update().where(table.c.id == node_id).values(description=text))


def delete_tag(conn: Connection, node_id: int, key: str) -> bool:
    """Remove one tag; whether there was one."""
    return bool(conn.execute(tags.delete().where(tags.c.node_id == node_id, tags.c.key == key)).rowcount)


def heartbeat(conn: Connection, execution_id: int, now: datetime) -> None:
    """Record that a RUNNING execution is alive; an ended one is a ConflictError."""
    done = conn.execute(
        executions.update()
        .where(executions.c.id == execution_id, executions.c.status == Status.RUNNING.value)
        .values(heartbeat_at=now)
    )
    if not done.rowcount:
        raise ConflictError(f"exec:{execution_id} has already ended: only a RUNNING execution has a heartbeat")


def _stale(cutoff: datetime) -> ColumnElement[bool]:
    """RUNNING and last seen before ``cutoff``; a run without a heartbeat was last seen when it started."""
    last_seen = executions.c.heartbeat_at
    return and_(
        executions.c.status == Status.RUNNING.value,
        or_(last_seen < cutoff, and_(last_seen.is_(None), executions.c.started_at < cutoff)),
    )


def stale(conn: Connection, project_id: int, cutoff: datetime) -> list[int]:
    """Ids of the project's RUNNING executions last seen before ``cutoff``, oldest first."""
    query = select(executions.c.id).where(executions.c.project_id == project_id, _stale(cutoff))
    return list(conn.execute(query.order_by(executions.c.id)).scalars())


def reap(conn: Connection, execution_id: int, *, cutoff: datetime, now: datetime) -> str | None:
    """End one execution as FAILED if it is still stale (checked again, in the write); its error, or None."""
    row = conn.execute(
        select(executions.c.heartbeat_at, executions.c.started_at).where(executions.c.id == execution_id,
                                                                         _stale(cutoff))
    ).first()
    if row is None:
        return None  # it ended, or said it is alive, since it was found
    error = reaped_error(row.heartbeat_at or row.started_at, now)
    finish(conn, execution_id, status=Status.FAILED, ended_at=now, resources={}, error=error)
    return error
