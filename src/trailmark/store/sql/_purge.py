"""Purge (erasure) in SQL: blank a node's content everywhere, keep its identity and a tombstone."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, cast, delete, select, update

from trailmark.entities import Artifact
from trailmark.errors import ConflictError
from trailmark.governance import Tombstone
from trailmark.store.sql._artifacts import load_artifacts
from trailmark.store.sql._lineage import load_nodes
from trailmark.store.sql._tables import (
    artifacts,
    dataset_features,
    executions,
    latest_metrics,
    metrics,
    openlineage_events,
    params,
    tags,
    tombstones,
    webhook_deliveries,
)

PURGED_EVENT = {"purged": True}


def purge(
    conn: Connection, node_id: int, kind: str, *, reason: str, actor: str, now: datetime, key: bytes
) -> tuple[Tombstone, str | None]:
    """Erase a node's content and record the tombstone; returns it and the digest of kept bytes to erase.

    Gone: an artifact's properties, uri and description, its content digest (replaced by a
    digest keyed with ``key``, so re-logging guessed content does not match it), its
    profile features; an execution's params (and their search rows), environment,
    resources, error text, description, metrics and the OpenLineage events it came from;
    either's tags and queued webhook bodies about it. The node's type, name, version, its
    edges and its audit entries stay, so lineage keeps its shape and the chain verifies.
    """
    if conn.execute(select(tombstones.c.node_id).where(tombstones.c.node_id == node_id)).first():
        raise ConflictError(f"node {node_id} is already purged")
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")  # freed cells and pages are overwritten with zeros
    ref = load_nodes(conn, [node_id])[node_id].ref
    blob = None
    if kind == "artifact":
        row = conn.execute(select(artifacts.c.digest, artifacts.c.properties).where(artifacts.c.id == node_id)).one()
        blob = kept_bytes(row.properties)
        keyed = "sha256:" + hmac.new(key, b"purged:" + row.digest.encode(), hashlib.sha256).hexdigest()
        conn.execute(update(artifacts).where(artifacts.c.id == node_id).values(
            properties={}, uri=None, description=None, digest=keyed))
        conn.execute(delete(dataset_features).where(dataset_features.c.artifact_id == node_id))
    else:
        conn.execute(update(executions).where(executions.c.id == node_id).values(
            params={}, error=None, environment={}, resources={}, description=None, environment_id=None))
        for table in (params, metrics, latest_metrics):
            conn.execute(delete(table).where(table.c.execution_id == node_id))
        conn.execute(update(openlineage_events).where(openlineage_events.c.execution_id == node_id)
                     .values(event=PURGED_EVENT))
    conn.execute(delete(tags).where(tags.c.node_id == node_id))
    conn.execute(update(webhook_deliveries).where(webhook_deliveries.c.subject == ref)
                 .values(body='{"purged": true}'))
    conn.execute(tombstones.insert().values(node_id=node_id, purged_by=actor, purged_at=now, reason=reason))
    return _tombstone(conn, node_id, actor, now, reason), blob


def kept_bytes(properties: Any) -> str | None:
    """The digest of the bytes an artifact keeps in the artifact root (``properties["stored"]``), if any."""
    stored = properties.get("stored") if isinstance(properties, dict) else None
    digest = stored.get("digest") if isinstance(stored, dict) else None
    return digest if isinstance(digest, str) else None


def bytes_still_used(conn: Connection, digest: str) -> bool:
    """Whether another artifact still keeps the bytes ``digest`` names (the root stores each once)."""
    rows = conn.execute(select(artifacts.c.properties).where(cast(artifacts.c.properties, Text).contains(digest)))
    return any(kept_bytes(props) == digest for (props,) in rows)


def checkpoint(conn: Connection) -> None:
    """SQLite: copy the write-ahead log into the database and empty it, so purged values leave the WAL too."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def tombstone(conn: Connection, node_id: int) -> Tombstone | None:
    """The tombstone of a purged node, or None if it was never purged."""
    row = conn.execute(select(tombstones).where(tombstones.c.node_id == node_id)).first()
    if row is None:
        return None
    return _tombstone(conn, node_id, row.purged_by, row.purged_at, row.reason)


def _tombstone(conn: Connection, node_id: int, purged_by: str, purged_at: datetime, reason: str) -> Tombstone:
    node = load_nodes(conn, [node_id])[node_id]
    artifact = node if isinstance(node, Artifact) else None
    return Tombstone(
        ref=node.ref, type=node.type, name=node.name, version=artifact.version if artifact else None,
        digest=artifact.digest if artifact else None, purged_by=purged_by, purged_at=purged_at, reason=reason,
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
