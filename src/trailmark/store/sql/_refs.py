"""Resolve references to node ids, with errors that name what was looked for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, bindparam, func, literal, select, union_all

from trailmark.errors import AmbiguousReferenceError, NotFoundError
from trailmark.refs import ArtifactRef, DigestRef, ExecutionRef, IdRef, Reference, UidRef, format_ref
from trailmark.store.sql._tables import alias_moves, artifacts, executions

_MAX_CANDIDATES = 10


# Built once, with bind parameters: resolving is on the path of nearly every call.
_EXECUTION_BY_ID = select(executions.c.id).where(executions.c.id == bindparam("node"),
                                                 executions.c.project_id == bindparam("project"))
_EXECUTION_BY_UID = select(executions.c.id).where(executions.c.uid == bindparam("uid"),
                                                  executions.c.project_id == bindparam("project"))
_KIND_BY_ID = union_all(
    select(literal("artifact")).where(artifacts.c.id == bindparam("node"),
                                      artifacts.c.project_id == bindparam("project")),
    select(literal("execution")).where(executions.c.id == bindparam("node"),
                                       executions.c.project_id == bindparam("project")),
)


def resolve(conn: Connection, project_id: int, ref: Reference, *, at: datetime | None = None) -> tuple[str, int]:
    """``(kind, id)`` of the node ``ref`` names; ``at`` reads aliases and "latest" as they were then."""
    if isinstance(ref, IdRef):
        return kind_by_id(conn, project_id, ref.id), ref.id
    if isinstance(ref, ExecutionRef):
        found = conn.execute(_EXECUTION_BY_ID, {"node": ref.id, "project": project_id}).scalar()
        if found is None:
            raise missing_execution(ref.id)
        return "execution", found
    if isinstance(ref, UidRef):
        found = conn.execute(_EXECUTION_BY_UID, {"uid": ref.uid, "project": project_id}).scalar()
        if found is None:
            raise NotFoundError(f"no run with uid {ref.uid}")
        return "execution", found
    if isinstance(ref, DigestRef):
        return "artifact", _by_digest(conn, project_id, ref.prefix)
    return "artifact", _by_name(conn, project_id, ref, at)


def missing_execution(execution_id: int) -> NotFoundError:
    """The error for an ``exec:ID`` the project does not have."""
    return NotFoundError(f"no execution exec:{execution_id}")


def kind_by_id(conn: Connection, project_id: int, node_id: int) -> str:
    """"artifact" or "execution" for a node id of the project; ids of other projects are not found."""
    kind = conn.execute(_KIND_BY_ID, {"node": node_id, "project": project_id}).scalar()
    if kind is None:
        raise NotFoundError(f"no artifact or execution with id {node_id}")
    return kind


def _by_digest(conn: Connection, project_id: int, prefix: str) -> int:
    rows = conn.execute(
        select(artifacts.c.id, artifacts.c.type, artifacts.c.name, artifacts.c.version)
        .where(artifacts.c.project_id == project_id, artifacts.c.digest.like(f"sha256:{prefix}%"))
        .order_by(artifacts.c.id)
        .limit(_MAX_CANDIDATES + 1)
    ).all()
    if not rows:
        raise NotFoundError(f"no artifact with digest sha256:{prefix}...")
    if len(rows) > 1:
        candidates = [format_ref(r.type, r.name, r.version) for r in rows[:_MAX_CANDIDATES]]
        raise AmbiguousReferenceError(
            f"sha256:{prefix} matches {len(rows)}{'+' if len(rows) > _MAX_CANDIDATES else ''} artifacts: "
            f"{', '.join(candidates)}; give more digits",
            candidates=candidates,
        )
    return int(rows[0].id)


def _series(project_id: int, ref: ArtifactRef) -> tuple[ColumnElement[bool], ...]:
    return (
        artifacts.c.project_id == project_id,
        artifacts.c.name == ref.name,
        func.lower(artifacts.c.type) == ref.type.lower(),
    )


def _by_name(conn: Connection, project_id: int, ref: ArtifactRef, at: datetime | None) -> int:
    series = _series(project_id, ref)
    if ref.alias is not None:
        return _by_alias(conn, project_id, ref, at)
    query = select(artifacts.c.id, artifacts.c.version).where(*series)
    if ref.version is not None:
        found = conn.execute(query.where(artifacts.c.version == ref.version)).first()
        if found is None:
            raise NotFoundError(_missing_version(conn, ref, series))
        return int(found.id)
    if at is not None:
        query = query.where(artifacts.c.created_at <= at)
    found = conn.execute(query.order_by(artifacts.c.version.desc()).limit(1)).first()
    if found is None:
        when = f" at {at.isoformat()}" if at is not None else ""
        raise NotFoundError(f"no {ref.type} named {ref.name!r}{when}")
    return int(found.id)


def _missing_version(conn: Connection, ref: ArtifactRef, series: tuple[ColumnElement[bool], ...]) -> str:
    latest = conn.execute(select(func.max(artifacts.c.version)).where(*series)).scalar()
    if latest is None:
        return f"no {ref.type} named {ref.name!r}"
    return f"no {ref.type} {ref.name!r} version {ref.version} (latest is {latest})"


def _by_alias(conn: Connection, project_id: int, ref: ArtifactRef, at: datetime | None) -> int:
    query = select(alias_moves.c.artifact_id).where(
        alias_moves.c.project_id == project_id, alias_moves.c.model == ref.name, alias_moves.c.alias == ref.alias
    )
    if at is not None:
        query = query.where(alias_moves.c.set_at <= at)
    artifact_id = conn.execute(query.order_by(alias_moves.c.id.desc()).limit(1)).scalar()
    if artifact_id is None:
        when = f" at {at.isoformat()}" if at is not None else ""
        raise NotFoundError(f"no alias {ref.alias!r} on {ref.type} {ref.name!r}{when}")
    return int(artifact_id)
