"""SqlStore's reuse piece: find earlier work, serve cached steps, find datasets alike.

:class:`Reuse` works on the :class:`~trailmark.store.sql._scope.Scope` and the
:class:`~trailmark.store.sql._guard.Guard` it is handed, so a per-request view acts for its
own project and reader; SqlStore's public methods build one per call (see docs/reuse.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from trailmark.entities import Artifact, Execution
from trailmark.errors import ValidationError
from trailmark.reuse import Similar
from trailmark.store import _validate
from trailmark.store.sql import _artifacts, _executions, _reuse, _similar
from trailmark.store.sql._audit import Change

if TYPE_CHECKING:
    from trailmark.store import NodeLike
    from trailmark.store.sql._guard import Guard
    from trailmark.store.sql._scope import Scope


class Reuse:
    """Reusable executions, the step cache and similar datasets, for one scope and reader.

    ``guard`` hides nodes whose labels are restricted above the reader's role.
    """

    def __init__(self, scope: Scope, guard: Guard) -> None:
        self.scope = scope
        self.guard = guard

    def find_reusable(
        self,
        type: str,
        name: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        inputs: Sequence[NodeLike] | None = None,
        limit: int = 20,
    ) -> list[Execution]:
        """Earlier COMPLETE executions of ``type`` (and ``name``) with exactly these params and
        inputs (compared by digest), newest first; None for ``params`` or ``inputs`` matches any.

        Example:
            >>> store.find_reusable("Preprocess", name="scale", params={"method": "standard"},
            ...                     inputs=["dataset:raw@1"])
        """
        _validate.type_name(type)
        if name is not None:
            _validate.node_name(name)
        wanted = _validate.json_object(params, "params") if params is not None else None
        limit = _validate.limit(limit)
        with self.scope.read() as conn:
            digests = None if inputs is None else [self._artifact(conn, ref).digest for ref in inputs]
            found = _reuse.find_reusable(conn, self.scope.project_id, type=type, name=name, params_=wanted,
                                         input_digests=digests, limit=limit)
        return self.guard.screen(found, hidden="drop", what="reuse")

    def similar(self, ref: NodeLike, *, limit: int = 5) -> list[Similar]:
        """The datasets of the project most like ``ref``, best first, each with a score in [0, 1],
        the reasons (shared columns, close statistics) and the models trained on it.

        Raises:
            ValidationError: ``ref`` has no dataset profile to compare.
        """
        limit = _validate.limit(limit)
        with self.scope.read() as conn:
            query = self._artifact(conn, ref)
        self.guard.screen([query], hidden="refuse", what="similar")
        with self.scope.read() as conn:
            found = _similar.similar(conn, self.scope.project_id, query, limit)
        shown = {a.id for a in self.guard.screen([s.artifact for s in found], hidden="drop", what="similar")}
        return [s for s in found if s.artifact.id in shown]

    def cached_execution(self, key: str) -> Execution | None:
        """The newest COMPLETE execution of the project recorded under a step's cache ``key``."""
        _validate.digest(key)
        with self.scope.read() as conn:
            found = _reuse.cached_execution(conn, self.scope.project_id, key)
        return None if found is None else next(iter(self.guard.screen([found], hidden="drop", what="cache")), None)

    def set_cache_key(self, execution: NodeLike, key: str) -> None:
        """Record the cache key of a RUNNING execution; it serves hits once the execution is COMPLETE."""
        _validate.digest(key)

        def work(conn: Connection) -> int:
            found: int = self._execution(conn, execution)
            _reuse.set_cache_key(conn, found, key)
            return found

        self.scope.audited(work, audit=lambda found: Change("execution.cache_key", f"exec:{found}", {"key": key}))

    def record_cache_hit(
        self,
        original: NodeLike,
        *,
        key: str,
        inputs: Sequence[NodeLike] = (),
        parent: NodeLike | None = None,
        environment: Mapping[str, Any] | None = None,
    ) -> Execution:
        """Record, in one transaction, a COMPLETE execution that reused ``original``: same type,
        name, params and outputs, these ``inputs``, ``cached_from`` set."""
        _validate.digest(key)
        env = _validate.json_object(environment, "environment")
        env.pop("packages", None)  # kept once per set by start_execution; a hit ran no code

        def work(conn: Connection) -> Execution:
            original_id: int = self._execution(conn, original)
            parent_id = self._execution(conn, parent) if parent is not None else None
            input_ids = [self._artifact(conn, ref).id for ref in inputs]
            created = _reuse.record_cache_hit(
                conn, self.scope.project_id, original_id=original_id, key=key, inputs=input_ids,
                environment=env, actor=self.scope.actor, now=self.scope.now(), parent_id=parent_id,
            )
            return _executions.load_execution(conn, created)

        return self.scope.audited(
            work, audit=lambda e: Change("execution.cached", e.ref, {"cached_from": e.cached_from, "key": key}),
        )

    def _execution(self, conn: Connection, ref: NodeLike) -> int:
        kind, found = self.scope.node(conn, ref)
        if kind != "execution":
            raise ValidationError(f"{ref if isinstance(ref, str) else found} is an artifact, not an execution")
        return found

    def _artifact(self, conn: Connection, ref: NodeLike) -> Artifact:
        kind, found = self.scope.node(conn, ref)
        if kind != "artifact":
            raise ValidationError(f"{ref if isinstance(ref, str) else found} is an execution, not an artifact")
        return _artifacts.load_artifact(conn, found)
