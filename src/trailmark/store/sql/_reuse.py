"""Reuse in SQL: earlier COMPLETE executions with the same inputs and params, and the step cache."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, exists, select

from trailmark.entities import Execution, Status
from trailmark.errors import ConflictError, ValidationError
from trailmark.store.sql import _classify, _executions
from trailmark.store.sql._decoded_rows import decoded_rows
from trailmark.store.sql._executions import execution_query, to_execution
from trailmark.store.sql._tables import artifacts, events, executions, params
from trailmark.store.sql._upsert import upsert

# Candidates read per call before the exact comparison of params and input sets.
_CANDIDATES = 1000


def find_reusable(
    conn: Connection,
    project_id: int,
    *,
    type: str,
    name: str | None,
    params_: Mapping[str, Any] | None,
    input_digests: list[str] | None,
    limit: int,
) -> list[Execution]:
    """COMPLETE executions of ``type`` (and ``name``) whose params and set of input digests
    equal the ones given (None: any), newest first."""
    where: list[Any] = [
        executions.c.project_id == project_id,
        executions.c.type == type,
        executions.c.status == Status.COMPLETE.value,
        executions.c.lifecycle == "active",
    ]
    if name is not None:
        where.append(executions.c.name == name)
    for key, value in (params_ or {}).items():  # narrow by the param index, then compare exactly
        where.append(exists().where(params.c.execution_id == executions.c.id, params.c.key == key,
                                    params.c.value_text == _executions._indexed_text(value)))
    for digest in set(input_digests or ()):
        where.append(exists().where(events.c.target_id == executions.c.id, events.c.kind == "INPUT",
                                    events.c.source_id == artifacts.c.id, artifacts.c.digest == digest))
    query = execution_query().where(*where).order_by(executions.c.started_at.desc(), executions.c.id.desc())
    candidates = [to_execution(m) for m in decoded_rows(conn, query.limit(_CANDIDATES))]
    if params_ is not None:
        candidates = [e for e in candidates if e.params == dict(params_)]
    if input_digests is not None:
        found = input_digest_sets(conn, [e.id for e in candidates])
        wanted = set(input_digests)
        candidates = [e for e in candidates if found.get(e.id, set()) == wanted]
    return candidates[:limit]


def input_digest_sets(conn: Connection, execution_ids: list[int]) -> dict[int, set[str]]:
    """The digests of each execution's inputs."""
    out: dict[int, set[str]] = {}
    if not execution_ids:
        return out
    rows = conn.execute(
        select(events.c.target_id, artifacts.c.digest)
        .join(artifacts, artifacts.c.id == events.c.source_id)
        .where(events.c.target_id.in_(execution_ids), events.c.kind == "INPUT")
    )
    for execution_id, digest in rows:
        out.setdefault(execution_id, set()).add(digest)
    return out


def cached_execution(conn: Connection, project_id: int, key: str) -> Execution | None:
    """The newest COMPLETE, not deleted execution of the project with this cache key."""
    found = decoded_rows(conn, execution_query()
                         .where(executions.c.project_id == project_id, executions.c.cache_key == key,
                                executions.c.status == Status.COMPLETE.value, executions.c.lifecycle == "active")
                         .order_by(executions.c.id.desc())
                         .limit(1))
    return to_execution(found[0]) if found else None


def set_cache_key(conn: Connection, execution_id: int, key: str) -> None:
    """Give a RUNNING execution its cache key (an ended one is not changed)."""
    current = _executions.load_execution(conn, execution_id)
    if current.status != Status.RUNNING:
        raise ConflictError(f"cannot set the cache key of exec:{execution_id}: it has already ended")
    conn.execute(executions.update().where(executions.c.id == execution_id).values(cache_key=key))


def record_cache_hit(
    conn: Connection,
    project_id: int,
    *,
    original_id: int,
    key: str,
    inputs: list[int],
    environment: dict[str, Any],
    actor: str,
    now: datetime,
    parent_id: int | None,
) -> int:
    """In one transaction: a COMPLETE execution reusing ``original_id``'s outputs, with its own inputs.

    ``cached_from`` names the execution that really ran (the original of a cached original).
    """
    original = _executions.load_execution(conn, original_id)
    if original.status != Status.COMPLETE:
        raise ValidationError(f"exec:{original_id} is {original.status.value}: only a COMPLETE execution is reused")
    stored_params = conn.execute(select(executions.c.params).where(executions.c.id == original_id)).scalar_one()
    execution_id = int(_executions.insert_execution_row(
        conn, project_id=project_id, type=original.type, name=original.name, params_=stored_params,
        environment=environment, environment_id=None, actor=actor, now=now, parent_id=parent_id,
    )["id"])
    conn.execute(
        executions.update()
        .where(executions.c.id == execution_id)
        .values(status=Status.COMPLETE.value, ended_at=now, cache_key=key,
                cached_from=original.cached_from or original.id)
    )
    outputs = conn.execute(
        select(events.c.target_id, events.c.role).where(events.c.source_id == original_id, events.c.kind == "OUTPUT")
    ).all()
    rows = [{"source_id": a, "target_id": execution_id, "kind": "INPUT", "role": None} for a in dict.fromkeys(inputs)]
    rows += [{"source_id": execution_id, "target_id": o.target_id, "kind": "OUTPUT", "role": o.role} for o in outputs]
    if rows:
        upsert(conn, events, rows, keys=["source_id", "target_id"])
        edges = [(a, execution_id) for a in dict.fromkeys(inputs)] + [(execution_id, o.target_id) for o in outputs]
        _classify.follow_links(conn, edges, actor=actor, now=now)
    return execution_id
