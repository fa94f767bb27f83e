"""A node's state as the audit log records it: a keyed digest of its rows after each write.

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
from typing import Any

from sqlalchemy import Connection, func, or_, select

from trailmark.audit._chain import canonical_json
from trailmark.store.sql._tables import artifacts, events, executions, params, tags

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
