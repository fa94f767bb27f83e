"""A node's state as the audit log records it: a keyed digest of its rows after each write.

The state is read back from the rows (:func:`node_state`), or built from the values a write
stored (:func:`artifact_created`, :func:`execution_row`, ...): the same plain data, so the
same digest, without the reads.

An artifact's state covers its row (identity, digest, uri, properties, description) and
its tags; an execution's also its params rows and its edges. Each audited write on a node
records the state it left (``audit_log.state``), so a deep verification can recompute it
and name a row changed outside the API. Columns a store updates without an audit entry
(``heartbeat_at``) and derived rows (latest metrics, classifications spread by lineage)
are left out; docs/security.md lists what is not covered.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import JSON, Connection, Engine, func, or_, select, text

from trailmark.audit._chain import canonical_json
from trailmark.store.sql._tables import artifacts, events, executions, params, tags

State = dict[str, Any]
StateAfter = Callable[[Connection, "State | None"], "State | None"]
"""Given the node's state before a write (None: not known), its state after, from the values
written; None when it cannot be told without reading the rows."""

# Writes whose target is a node but which leave its state as it was.
STATELESS_ACTIONS = frozenset({"metrics.log", "sensitive.read", "read"})

_ARTIFACT_COLUMNS = ("id", "project_id", "type", "name", "version", "digest", "uri", "properties", "created_at",
                     "created_by", "description")
_EXECUTION_COLUMNS = ("id", "project_id", "type", "name", "status", "params", "environment", "environment_id",
                      "started_at", "ended_at", "resources", "error", "created_by", "uid", "description")


def target_node(conn: Connection, project_id: int, target: str) -> int | None:
    """The node an audit target names in the project (``exec:42``, ``dataset:raw@3``), or None."""
    kind, sep, rest = target.partition(":")
    if not sep:
        return None
    if kind == "exec":
        return int(rest) if rest.isdigit() else None
    name, at, version = rest.rpartition("@")
    if not at or not version.isdigit() or not name:
        return None
    found = conn.execute(
        select(artifacts.c.id).where(
            artifacts.c.project_id == project_id, artifacts.c.name == name, artifacts.c.version == int(version),
            func.lower(artifacts.c.type) == kind,
        )
    ).scalar()
    return int(found) if found is not None else None


def _columns(table: Any, names: tuple[str, ...]) -> list[Any]:
    return [table.c[n] for n in names if n in table.c]


def node_state(conn: Connection, node_id: int) -> dict[str, Any] | None:
    """The rows that make up a node's state, as plain data (None if there is no such node)."""
    row = conn.execute(select(*_columns(artifacts, _ARTIFACT_COLUMNS)).where(artifacts.c.id == node_id)).first()
    kind = "artifact"
    if row is None:
        row = conn.execute(select(*_columns(executions, _EXECUTION_COLUMNS)).where(executions.c.id == node_id)).first()
        kind = "execution"
    if row is None:
        return None
    state: dict[str, Any] = {"kind": kind, "row": dict(row._mapping)}
    state["tags"] = [list(r) for r in conn.execute(
        select(tags.c.key, tags.c.value).where(tags.c.node_id == node_id).order_by(tags.c.key))]
    if kind == "execution":
        state["params"] = [list(r) for r in conn.execute(
            select(params.c.key, params.c.value_text, params.c.value_num)
            .where(params.c.execution_id == node_id).order_by(params.c.key))]
        state["edges"] = [list(r) for r in conn.execute(
            select(events.c.source_id, events.c.target_id, events.c.kind, events.c.role)
            .where(or_(events.c.source_id == node_id, events.c.target_id == node_id))
            .order_by(events.c.source_id, events.c.target_id))]
    return state


def state_digest(state: dict[str, Any], tag: str, key: bytes) -> str:
    """``<key tag>:<hex>``: HMAC-SHA256 of the state's canonical JSON."""
    return f"{tag}:{hmac.new(key, canonical_json(state), hashlib.sha256).hexdigest()}"


# -- the state from the values written ---------------------------------------------------------

_BYTEWISE: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _bytewise(conn: Connection) -> bool:
    """Whether ``ORDER BY`` on text sorts as Python does (by code point): SQLite, PostgreSQL with C collation."""
    if conn.dialect.name == "sqlite":
        return True
    found = _BYTEWISE.get(conn.engine)
    if found is None:
        collate = conn.execute(
            text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        ).scalar()
        found = _BYTEWISE[conn.engine] = str(collate) in ("C", "POSIX", "C.UTF-8", "C.utf8")
    return found


def _jsonb_safe(value: Any) -> bool:
    """False for a float PostgreSQL's JSONB gives back as another JSON number (``1e+20`` -> an integer)."""
    if isinstance(value, float):
        shown = repr(value)
        return "e+" not in shown and shown not in ("inf", "-inf", "nan")
    if isinstance(value, dict):
        return all(_jsonb_safe(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_jsonb_safe(v) for v in value)
    return True


def stored_json(conn: Connection, value: Any) -> tuple[bool, Any]:
    """``(ok, value as its JSON column gives it back)``; not ok when that cannot be told here."""
    if conn.dialect.name != "sqlite" and not _jsonb_safe(value):
        return False, None
    return True, json.loads(json.dumps(value))


def by_key(conn: Connection, rows: Iterable[list[Any]]) -> list[list[Any]] | None:
    """``rows`` in the order ``ORDER BY key`` reads them (None if this database's collation is not known)."""
    return sorted(rows, key=lambda r: r[0]) if _bytewise(conn) else None


def _present(table: Any, names: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """``(column, holds JSON)`` for each of ``names`` the table has."""
    return tuple((n, isinstance(table.c[n].type, JSON)) for n in names if n in table.c)


_SHAPES = {"artifacts": _present(artifacts, _ARTIFACT_COLUMNS), "executions": _present(executions, _EXECUTION_COLUMNS)}


def _row(conn: Connection, table: Any, values: dict[str, Any]) -> dict[str, Any] | None:
    """The state's ``row`` of ``table`` from column values (JSON as its column gives it back)."""
    row: dict[str, Any] = {}
    for name, is_json in _SHAPES[table.name]:
        value = values.get(name)
        if is_json and value is not None:
            ok, value = stored_json(conn, value)
            if not ok:
                return None
        row[name] = value
    return row


def artifact_created(conn: Connection, values: dict[str, Any]) -> State | None:
    """The state of an artifact inserted just now with these column values (no tags yet)."""
    row = _row(conn, artifacts, values)
    return None if row is None else {"kind": "artifact", "row": row, "tags": []}


def execution_created(conn: Connection, values: dict[str, Any], param_rows: list[list[Any]]) -> State | None:
    """The state of an execution inserted just now with these column values and params rows (no tags, no edges)."""
    row = _row(conn, executions, values)
    ordered = by_key(conn, param_rows)
    if row is None or ordered is None:
        return None
    return {"kind": "execution", "row": row, "tags": [], "params": ordered, "edges": []}


def with_row(conn: Connection, prior: State | None, changed: dict[str, Any]) -> State | None:
    """``prior`` with some columns of its row overwritten by the values written."""
    if prior is None:
        return None
    table = artifacts if prior["kind"] == "artifact" else executions
    update = _row(conn, table, {n: v for n, v in changed.items() if n in prior["row"]})
    if update is None:
        return None
    return {**prior, "row": {n: update[n] if n in changed else v for n, v in prior["row"].items()}}


def with_keyed(conn: Connection, prior: State | None, part: str, rows: Iterable[list[Any]]) -> State | None:
    """``prior`` with rows upserted into its ``tags`` or ``params`` (keyed by their first column)."""
    if prior is None or part not in prior:
        return None
    merged = {r[0]: r for r in prior[part]}
    merged.update({r[0]: list(r) for r in rows})
    ordered = by_key(conn, merged.values())
    return None if ordered is None else {**prior, part: ordered}


def with_edges(prior: State | None, edges: Iterable[dict[str, Any]]) -> State | None:
    """``prior`` (an execution's) with new edges; an edge already there keeps its row (insert or nothing)."""
    if prior is None or "edges" not in prior:
        return None
    merged = {(e[0], e[1]): e for e in prior["edges"]}
    for e in edges:
        merged.setdefault((e["source_id"], e["target_id"]), [e["source_id"], e["target_id"], e["kind"], e["role"]])
    return {**prior, "edges": [merged[k] for k in sorted(merged)]}
