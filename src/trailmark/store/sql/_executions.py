"""Executions: started RUNNING, given params while running, ended once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from trailmark.entities import Execution, Status
from trailmark.errors import ConflictError
from trailmark.governance._sensitive import is_sealed, mask
from trailmark.store.sql import _txn
from trailmark.store.sql._decoded_rows import decoded_rows
from trailmark.store.sql._tables import environments, executions, nodes, params, projects
from trailmark.store.sql._upsert import upsert


def execution_query() -> Select[Any]:
    """SELECT of execution rows with their project name, ready for :func:`to_execution`."""
    return select(executions, projects.c.name.label("project")).join(
        projects, projects.c.id == executions.c.project_id
    )


def to_execution(m: Mapping[str, Any]) -> Execution:
    """The entity of an execution row (with its project's name as ``project``), sensitive values masked."""
    return Execution(
        id=m["id"],
        project=m["project"],
        type=m["type"],
        name=m["name"],
        status=Status(m["status"]),
        params=mask(m["params"]),
        environment=mask(m["environment"]),
        started_at=m["started_at"],
        ended_at=m["ended_at"],
        resources=mask(m["resources"]),
        error=m["error"],
        created_by=m["created_by"],
        uid=m["uid"],
        parent_id=m["parent_id"],
        lifecycle=m["lifecycle"],
        description=m["description"],
        heartbeat_at=m["heartbeat_at"],
        cached_from=m["cached_from"],
    )


def load_executions(conn: Connection, *where: Any) -> list[Execution]:
    """Executions matching ``where`` clauses, oldest first."""
    return [to_execution(m) for m in decoded_rows(conn, execution_query().where(*where).order_by(executions.c.id))]


def load_execution(conn: Connection, execution_id: int) -> Execution:
    (execution,) = load_executions(conn, executions.c.id == execution_id)
    return execution


def ensure_environment(conn: Connection, digest: str, packages: dict[str, str]) -> int:
    """Id of the stored package set with this digest; stored once, shared by every run."""
    upsert(conn, environments, {"digest": digest, "packages": packages}, keys=["digest"])
    return int(conn.execute(select(environments.c.id).where(environments.c.digest == digest)).scalar_one())


# Built once: a statement object reused keeps its cache key, so SQLAlchemy compiles it once.
_INSERT_NODE = nodes.insert().returning(nodes.c.id)
_INSERT = executions.insert()


def insert_execution_row(
    conn: Connection,
    *,
    project_id: int,
    type: str,
    name: str,
    params_: dict[str, Any],
    environment: dict[str, Any],
    environment_id: int | None,
    actor: str | None,
    now: datetime,
    parent_id: int | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """Insert a RUNNING execution (its heartbeat starts now; ``uid`` defaults to a random one), returning every
    column's value as written (defaults included)."""
    node_id: int = conn.execute(_INSERT_NODE, {"kind": "execution"}).scalar_one()
    _txn.created(conn, node_id)
    now = utc(now)  # as it reads back
    row: dict[str, Any] = {
        "id": node_id, "project_id": project_id, "type": type, "name": name, "status": Status.RUNNING.value,
        "params": params_, "environment": environment, "environment_id": environment_id, "started_at": now,
        "resources": {}, "created_by": actor, "uid": uid or new_uid(), "parent_id": parent_id, "heartbeat_at": now,
    }
    conn.execute(_INSERT, row)
    write_param_index(conn, node_id, params_)
    return {**row, "ended_at": None, "error": None, "cache_key": None, "cached_from": None, "lifecycle": "active",
            "description": None}


def execution_of(row: dict[str, Any], project: str) -> Execution:
    """The entity of an execution row known from its values (as :func:`to_execution` of the row read)."""
    return to_execution({**row, "project": project})


def state_params(values: dict[str, Any]) -> list[list[Any]]:
    """The ``params`` rows of ``values`` as a node's state lists them: ``[key, value_text, value_num]``."""
    return [[r["key"], r["value_text"], r["value_num"]] for r in param_rows(0, values)]


def utc(value: datetime) -> datetime:
    """A timestamp as a ``When`` column gives it back: timezone-aware UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def new_uid() -> str:
    """A run's uid: 128 random bits as 32 lower-case hex digits."""
    return uuid.uuid4().hex


_PARAMS_OF = select(executions.c.status, executions.c.params).where(executions.c.id == bindparam("eid"))
_SET_PARAMS = executions.update().where(executions.c.id == bindparam("eid")).values(params=bindparam("merged"))


def add_params(conn: Connection, execution_id: int, new: dict[str, Any]) -> dict[str, Any]:
    """Merge ``new`` into a running execution's params (a later value for a key wins); the params now stored."""
    found = conn.execute(_PARAMS_OF, {"eid": execution_id}).first()
    if found is None or found.status != Status.RUNNING.value:
        _running(conn, execution_id, "log params of")
    assert found is not None
    merged = {**found.params, **new}  # the stored form: encrypted values stay encrypted
    conn.execute(_SET_PARAMS, {"eid": execution_id, "merged": merged})
    write_param_index(conn, execution_id, new)
    return merged


def finish(
    conn: Connection,
    execution_id: int,
    *,
    status: Status,
    ended_at: datetime,
    resources: dict[str, Any],
    error: str | None,
) -> None:
    """End a running execution; ending it twice is a ConflictError."""
    finish_row(conn, execution_id, status=status, ended_at=ended_at, resources=resources, error=error)


_FINISH = (
    executions.update()
    .where(executions.c.id == bindparam("eid"), executions.c.status == Status.RUNNING.value)
    .values(status=bindparam("final"), ended_at=bindparam("ended"), resources=bindparam("used"),
            error=bindparam("failure"))
    .returning(*executions.c)
)


def finish_row(
    conn: Connection,
    execution_id: int,
    *,
    status: Status,
    ended_at: datetime,
    resources: dict[str, Any],
    error: str | None,
) -> dict[str, Any]:
    """:func:`finish`, returning the execution's row as it is now (one statement)."""
    row = conn.execute(
        _FINISH, {"eid": execution_id, "final": status.value, "ended": ended_at, "used": resources, "failure": error}
    ).first()
    if row is None:
        _running(conn, execution_id, "end")  # raises: ended already (or no such execution)
        raise ConflictError(f"cannot end exec:{execution_id}: it is not running")
    return dict(row._mapping)


MAX_INDEXED_PARAM = 1000


def write_param_index(conn: Connection, execution_id: int, values: dict[str, Any]) -> None:
    """Keep the searchable ``params`` rows in step with the params JSON."""
    rows = param_rows(execution_id, values)
    if not rows:
        return
    upsert(conn, params, rows, keys=["execution_id", "key"], update=["value_text", "value_num"])


def param_rows(execution_id: int, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"execution_id": execution_id, "key": key, "value_text": _indexed_text(value), "value_num": _as_number(value)}
        for key, value in values.items()
        if not is_sealed(value)  # an encrypted value is not searchable
    ]


def _indexed_text(value: Any) -> str | None:
    """The text form search compares; longer values stay in the params JSON only, since a
    B-tree index entry has a size limit (about 2.7 kB on PostgreSQL)."""
    text = _as_text(value)
    return text if len(text) <= MAX_INDEXED_PARAM else None


def _as_number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if not isinstance(value, (dict, list)) else json.dumps(value, sort_keys=True)


def _running(conn: Connection, execution_id: int, verb: str) -> Execution:
    execution = load_execution(conn, execution_id)
    if execution.status != Status.RUNNING:
        raise ConflictError(f"cannot {verb} exec:{execution_id}: it has already ended ({execution.status.value})")
    return execution
