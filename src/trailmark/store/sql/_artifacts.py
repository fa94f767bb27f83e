"""Artifacts: immutable, versioned by content within their series (project, type, name)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select, text

from trailmark.entities import Artifact
from trailmark.governance._sensitive import mask
from trailmark.store.sql._features_index import index_features
from trailmark.store.sql._tables import artifacts, nodes, projects


def artifact_query() -> Select[Any]:
    """SELECT of artifact rows with their project name, ready for :func:`to_artifact`."""
    return select(artifacts, projects.c.name.label("project")).join(projects, projects.c.id == artifacts.c.project_id)


def to_artifact(row: Any) -> Artifact:
    m = row._mapping
    return Artifact(
        id=m["id"],
        project=m["project"],
        type=m["type"],
        name=m["name"],
        version=m["version"],
        digest=m["digest"],
        uri=m["uri"],
        properties=mask(m["properties"]),
        created_at=m["created_at"],
        created_by=m["created_by"],
        lifecycle=m["lifecycle"],
        description=m["description"],
    )


def load_artifacts(conn: Connection, *where: Any) -> list[Artifact]:
    """Artifacts matching ``where`` clauses, oldest first."""
    rows = conn.execute(artifact_query().where(*where).order_by(artifacts.c.id))
    return [to_artifact(r) for r in rows]


def load_artifact(conn: Connection, artifact_id: int) -> Artifact:
    (artifact,) = load_artifacts(conn, artifacts.c.id == artifact_id)
    return artifact


def insert_artifact(
    conn: Connection,
    *,
    project_id: int,
    type: str,
    name: str,
    digest: str,
    uri: str | None,
    properties: dict[str, Any],
    actor: str | None,
    now: datetime,
) -> tuple[Artifact, bool]:
    """Log content into its series: the existing version for a known digest, else N+1.

    Returns the artifact and whether it was created. Writers of one series take turns: on
    SQLite the write transaction already holds the database lock, on PostgreSQL a
    transaction-level advisory lock on the series does. The series' unique keys stay as the
    last guard: a clash there reruns the transaction, which then finds the other version.
    """
    series = (artifacts.c.project_id == project_id, artifacts.c.type == type, artifacts.c.name == name)
    _lock_series(conn, project_id, type, name)
    existing = load_artifacts(conn, *series, artifacts.c.digest == digest)
    if existing:
        return existing[0], False
    latest = conn.execute(select(func.max(artifacts.c.version)).where(*series)).scalar()
    node_id = conn.execute(nodes.insert().values(kind="artifact").returning(nodes.c.id)).scalar_one()
    conn.execute(
        artifacts.insert().values(
            id=node_id,
            project_id=project_id,
            type=type,
            name=name,
            version=(latest or 0) + 1,
            digest=digest,
            uri=uri,
            properties=properties,
            created_at=now,
            created_by=actor,
        )
    )
    index_features(conn, artifact_id=node_id, project_id=project_id, properties=properties)
    return load_artifact(conn, node_id), True


def _lock_series(conn: Connection, project_id: int, type: str, name: str) -> None:
    """On PostgreSQL, wait for other writers of this series until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:series, 0))"),
            {"series": f"artifact-series:{project_id}:{type}:{name}"},
        )
