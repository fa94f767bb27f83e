"""SqlStore's lifecycle piece: notes, tag removal, soft delete and restore, heartbeats, reaping.

:class:`Lifecycle` works on the :class:`~trailmark.store.sql._scope.Scope` it is handed;
SqlStore's public methods build one per call and delegate. Every change appends an audit entry,
except heartbeats, which record that a process is alive rather than any content (one per
run every 30 s would swamp the log).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from trailmark.entities import Execution, Node
from trailmark.errors import NotFoundError, ValidationError
from trailmark.store import _lifecycle
from trailmark.store.sql import _lifecycle as _sql
from trailmark.store.sql._audit import Change
from trailmark.store.sql._executions import load_execution
from trailmark.store.sql._lineage import load_nodes
from trailmark.store.sql._scope import Scope

if TYPE_CHECKING:
    from trailmark.store import NodeLike


class Lifecycle:
    """Annotations and the life cycle of the nodes of one scope (project, actor, clock)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def set_description(self, ref: NodeLike, text: str | None) -> Node:
        """Set (or with None or '' clear) the note of any node: an audited annotation, not a new version.

        Example:
            >>> store.set_description("model:house-price-rf@2", "trained on the May snapshot")
        """
        note = _lifecycle.description(text)

        def work(conn: Connection) -> Node:
            kind, found = self.scope.node(conn, ref)
            _sql.set_description(conn, kind, found, note)
            return load_nodes(conn, [found])[found]

        return self.scope.audited(work, lambda node: Change("description.set", node.ref, {"description": note}))

    def delete_tag(self, ref: NodeLike, key: str) -> None:
        """Remove the tag ``key`` from a node; a tag that is not there is a NotFoundError."""
        if not isinstance(key, str) or not key:
            raise ValidationError(f"a tag key is non-empty text, got {key!r}")

        def work(conn: Connection) -> str:
            _, found = self.scope.node(conn, ref)
            target = self.scope.node_ref(conn, found)
            if not _sql.delete_tag(conn, found, key):
                raise NotFoundError(f"{target} has no tag {key!r}")
            return target

        self.scope.audited(work, lambda target: Change("tag.delete", target, {"key": key}))

    def set_lifecycle(self, ref: NodeLike, lifecycle: str) -> Node:
        """Soft-delete (``deleted``: left out of search, runs and models, kept in lineage) or restore a node."""
        action = "node.delete" if lifecycle == _lifecycle.DELETED else "node.restore"

        def work(conn: Connection) -> tuple[Node, bool]:
            kind, found = self.scope.node(conn, ref)
            changed = _sql.set_lifecycle(conn, kind, found, lifecycle)
            return load_nodes(conn, [found])[found], changed

        node, _ = self.scope.audited(
            work, lambda done: Change(action, done[0].ref, {"lifecycle": lifecycle}) if done[1] else None
        )
        return node

    def heartbeat(self, execution: NodeLike) -> None:
        """Record that a RUNNING execution is alive now (the run's background flusher calls this)."""

        def work(conn: Connection) -> None:
            _sql.heartbeat(conn, self._execution_id(conn, execution), self.scope.now())

        self.scope.write(work)

    def reap(self, older_than: str | timedelta) -> list[Execution]:
        """End as FAILED every RUNNING execution whose last heartbeat is older than ``older_than``.

        ``older_than``: a duration such as ``"90s"``, ``"10m"``, ``"2h"``, ``"7d"``, or a
        timedelta. The error of each says when it was last seen. Returns them.
        """
        age = _lifecycle.older_than(older_than)
        with self.scope.read() as conn:
            candidates = _sql.stale(conn, self.scope.project_id, self.scope.now() - age)
        reaped = []
        for execution_id in candidates:  # one audited write each, so each entry names its run
            done = self.scope.audited(
                partial(self._reap_one, execution_id=execution_id, age=age),
                lambda e: Change("execution.reap", e.ref, {"older_than": age.total_seconds(), "error": e.error})
                if e is not None else None,
            )
            if done is not None:
                reaped.append(done)
        return reaped

    def _reap_one(self, conn: Connection, execution_id: int, age: timedelta) -> Execution | None:
        now = self.scope.now()
        if _sql.reap(conn, execution_id, cutoff=now - age, now=now) is None:
            return None
        return load_execution(conn, execution_id)

    def _execution_id(self, conn: Connection, ref: NodeLike) -> int:
        kind, found = self.scope.node(conn, ref)
        if kind != "execution":
            raise ValidationError(f"{ref if isinstance(ref, str) else found} is an artifact, not an execution")
        return found

