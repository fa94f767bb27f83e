"""Purge (erasure) in SQL: blank a node's content, keep its identity and a tombstone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from trailmark.entities import Artifact
from trailmark.errors import ConflictError
from trailmark.governance import Tombstone
from trailmark.store.sql._artifacts import load_artifacts
from trailmark.store.sql._lineage import load_nodes
from trailmark.store.sql._tables import artifacts, executions, params, tombstones


def purge(conn: Connection, node_id: int, kind: str, *, reason: str, actor: str, now: datetime) -> Tombstone:
    """Remove properties and uri (artifact) or params and error text (execution); record the tombstone.

    The node row, its type, name, version and digest, its edges and its audit entries
    stay, so lineage keeps its shape and the audit chain still verifies.
    """
    if conn.execute(select(tombstones.c.node_id).where(tombstones.c.node_id == node_id)).first():
        raise ConflictError(f"node {node_id} is already purged")
    if kind == "artifact":
        conn.execute(update(artifacts).where(artifacts.c.id == node_id).values(properties={}, uri=None))
    else:
        conn.execute(update(executions).where(executions.c.id == node_id).values(params={}, error=None))
        conn.execute(delete(params).where(params.c.execution_id == node_id))
    conn.execute(tombstones.insert().values(node_id=node_id, purged_by=actor, purged_at=now, reason=reason))
    return _tombstone(conn, node_id, actor, now, reason)


def tombstone(conn: Connection, node_id: int) -> Tombstone | None:
    """The tombstone of a purged node, or None if it was never purged."""
    row = conn.execute(select(tombstones).where(tombstones.c.node_id == node_id)).first()
    if row is None:
        return None
    return _tombstone(conn, node_id, row.purged_by, row.purged_at, row.reason)


def _tombstone(conn: Connection, node_id: int, purged_by: str, purged_at: datetime, reason: str) -> Tombstone:
    node = load_nodes(conn, [node_id])[node_id]
    is_artifact = isinstance(node, Artifact)
    return Tombstone(
        ref=node.ref, type=node.type, name=node.name, version=node.version if is_artifact else None,
        digest=node.digest if is_artifact else None, purged_by=purged_by, purged_at=purged_at, reason=reason,
    )


def retention_candidates(conn: Connection, project_id: int, *, before: datetime, type: str | None) -> list[Artifact]:
    """Artifacts of the project created before ``before`` and not yet purged, oldest first."""
    where = [
        artifacts.c.project_id == project_id,
        artifacts.c.created_at < before,
        artifacts.c.id.not_in(select(tombstones.c.node_id)),
    ]
    if type is not None:
        where.append(artifacts.c.type == type)
    return load_artifacts(conn, *where)
