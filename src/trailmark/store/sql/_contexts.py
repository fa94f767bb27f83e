"""Context membership: an execution joins its context by name, and its outputs join the execution's contexts.

Each is one ``INSERT ... SELECT`` on the common path (the context exists; the execution's
contexts are read by the insert itself), since both run on every start and link.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, select

from trailmark.store.sql._tables import Id, context_members, contexts
from trailmark.store.sql._upsert import insert_for, upsert

_CONTEXT_ID = select(contexts.c.id).where(
    contexts.c.project_id == bindparam("pid"), contexts.c.type == bindparam("type_"),
    contexts.c.name == bindparam("name_"),
)


@cache
def _join_named(dialect_name: str) -> Any:
    chosen = select(contexts.c.id, bindparam("member", type_=Id)).where(
        contexts.c.project_id == bindparam("pid"), contexts.c.type == bindparam("type_"),
        contexts.c.name == bindparam("name_"),
    )
    statement = insert_for(dialect_name, context_members).from_select(["context_id", "node_id"], chosen)
    # RETURNING says whether the context was there (psycopg gives no rowcount for INSERT ... SELECT)
    return statement.on_conflict_do_nothing(index_elements=["context_id", "node_id"]).returning(
        context_members.c.context_id)


def add_member(conn: Connection, project_id: int, type: str, name: str, member: int, now: datetime) -> None:
    """Put ``member`` (a node just inserted) in the project's context ``type``/``name``, made if new."""
    key = {"pid": project_id, "type_": type, "name_": name}
    if conn.execute(_join_named(conn.dialect.name), {**key, "member": member}).first() is not None:
        return
    upsert(conn, contexts, {"project_id": project_id, "type": type, "name": name, "created_at": now},
           keys=["project_id", "type", "name"])
    context_id = conn.execute(_CONTEXT_ID, key).scalar_one()
    upsert(conn, context_members, {"context_id": context_id, "node_id": member}, keys=["context_id", "node_id"])


@cache
def _join_contexts_of(dialect_name: str) -> Any:
    joined = select(context_members.c.context_id, bindparam("output", type_=Id)).where(
        context_members.c.node_id == bindparam("execution")
    )
    statement = insert_for(dialect_name, context_members).from_select(["context_id", "node_id"], joined)
    return statement.on_conflict_do_nothing(index_elements=["context_id", "node_id"])


def attribute_outputs(conn: Connection, execution_id: int, outputs: list[int]) -> None:
    """Outputs join the contexts of the execution that wrote them (one row of parameters per output)."""
    if outputs:
        conn.execute(_join_contexts_of(conn.dialect.name), [{"execution": execution_id, "output": o} for o in outputs])
