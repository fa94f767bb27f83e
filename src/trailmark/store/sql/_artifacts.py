"""Artifacts: immutable, versioned by content within their series (project, type, name)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, bindparam, case, func, select, text

from trailmark.entities import Artifact
from trailmark.governance._sensitive import mask
from trailmark.store.sql import _txn
from trailmark.store.sql._decoded_rows import decoded_rows
from trailmark.store.sql._executions import utc
from trailmark.store.sql._features_index import index_features
from trailmark.store.sql._tables import artifacts, nodes, projects


def artifact_query() -> Select[Any]:
    """SELECT of artifact rows with their project name, ready for :func:`to_artifact`."""
    return select(artifacts, projects.c.name.label("project")).join(projects, projects.c.id == artifacts.c.project_id)


def to_artifact(m: Mapping[str, Any]) -> Artifact:
    """The entity of an artifact row (with its project's name as ``project``), sensitive values masked."""
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
    return [to_artifact(m) for m in decoded_rows(conn, artifact_query().where(*where).order_by(artifacts.c.id))]


def load_artifact(conn: Connection, artifact_id: int) -> Artifact:
    (artifact,) = load_artifacts(conn, artifacts.c.id == artifact_id)
    return artifact


_SERIES = (artifacts.c.project_id == bindparam("pid"), artifacts.c.type == bindparam("type_"),
           artifacts.c.name == bindparam("name_"))
# The version of this content if the series has it, and the series' latest version: one query.
_LOOKUP = select(
    func.max(case((artifacts.c.digest == bindparam("digest_"), artifacts.c.id))), func.max(artifacts.c.version)
).where(*_SERIES)
_INSERT_NODE = nodes.insert().returning(nodes.c.id)
_INSERT = artifacts.insert()


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
    project: str | None = None,
) -> tuple[Artifact, bool]:
    """Log content into its series: the existing version for a known digest, else N+1.

    Returns the artifact and whether it was created (built from the values written when
    ``project``, its project's name, is given; else read back). Writers of one series take
    turns: on SQLite the write transaction already holds the database lock, on PostgreSQL a
    transaction-level advisory lock on the series does. The series' unique keys stay as the
    last guard: a clash there reruns the transaction, which then finds the other version.
    """
    _lock_series(conn, project_id, type, name)
    existing, latest = conn.execute(_LOOKUP, {"pid": project_id, "type_": type, "name_": name, "digest_": digest}).one()
    if existing is not None:
        return load_artifact(conn, existing), False
    node_id = conn.execute(_INSERT_NODE, {"kind": "artifact"}).scalar_one()
    _txn.created(conn, node_id)
    row = {"id": node_id, "project_id": project_id, "type": type, "name": name, "version": (latest or 0) + 1,
           "digest": digest, "uri": uri, "properties": properties, "created_at": utc(now), "created_by": actor}
    conn.execute(_INSERT, row)
    index_features(conn, artifact_id=node_id, project_id=project_id, properties=properties)
    if project is None:
        return load_artifact(conn, node_id), True
    return to_artifact({**row, "project": project, "lifecycle": "active", "description": None}), True


def _lock_series(conn: Connection, project_id: int, type: str, name: str) -> None:
    """On PostgreSQL, wait for other writers of this series until this transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(_SERIES_LOCK, {"series": f"artifact-series:{project_id}:{type}:{name}"})


_SERIES_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:series, 0))")
