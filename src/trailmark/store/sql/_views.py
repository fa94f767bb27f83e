"""What the server needs beyond the protocol: per-request views of one SqlStore, and tag lookups.

A server process opens one :class:`SqlStore` (one engine, one connection pool) and takes a
cheap view of it per request, for the caller's project and actor.
"""

from __future__ import annotations

import copy

from sqlalchemy import select

from trailmark.entities import Node
from trailmark.errors import NotFoundError
from trailmark.store import _validate
from trailmark.store.sql import _artifacts, _executions
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import nodes, projects, tags


def project_view(store: SqlStore, project: str, *, actor: str, create: bool = False) -> SqlStore:
    """``store`` seen as ``project`` and acting as ``actor``, sharing its engine.

    Raises NotFoundError for an unknown project unless ``create`` (then it is made).
    Closing a view closes the shared engine: close only the store it came from.
    """
    _validate.project_name(project)

    if create:
        acting = copy.copy(store)
        acting.actor = actor
        acting.add_project(project)  # audited, as the caller; harmless when it exists
    with store._read() as conn:
        project_id = conn.execute(select(projects.c.id).where(projects.c.name == project)).scalar()
    if project_id is None:
        raise NotFoundError(f"no project {project!r}: connect with project={project!r} to create it")
    view = copy.copy(store)
    view.project, view.actor, view._project_id = project, actor, project_id
    return view


def find_tagged(store: SqlStore, key: str, value: str) -> list[Node]:
    """The nodes of the store's project that carry tag ``key`` = ``value``, oldest first."""
    with store._read() as conn:
        found = conn.execute(
            select(tags.c.node_id, nodes.c.kind)
            .join(nodes, nodes.c.id == tags.c.node_id)
            .where(tags.c.key == key, tags.c.value == value)
            .order_by(tags.c.node_id)
        ).all()
        loaded = [
            _artifacts.load_artifact(conn, row.node_id) if row.kind == "artifact"
            else _executions.load_execution(conn, row.node_id)
            for row in found
        ]
    return [node for node in loaded if node.project == store.project]
