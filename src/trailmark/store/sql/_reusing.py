"""SqlStore's reuse face: find earlier work, serve cached steps, find datasets alike.

Mixed into :class:`~trailmark.store.sql.SqlStore` (see docs/reuse.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection

from trailmark.entities import Artifact, Execution
from trailmark.errors import ValidationError
from trailmark.reuse import Similar
from trailmark.store import _validate
from trailmark.store.sql import _artifacts, _executions, _reuse, _similar
from trailmark.store.sql._audit import Change

if TYPE_CHECKING:
    from trailmark._clock import Clock
    from trailmark.store import NodeLike
    from trailmark.store.sql._guard import Guard

T = TypeVar("T")


class ReuseStore:
    """Reusable executions, the step cache and similar datasets over the store's database."""

    if TYPE_CHECKING:  # provided by SqlStore
        _project_id: int
        actor: str
        clock: Clock

        def _read(self) -> AbstractContextManager[Connection]: ...
        def _write(self, work: Callable[[Connection], T], *, audit: Callable[[T], Change | None]) -> T: ...
        def _resolve(self, conn: Connection, ref: NodeLike) -> tuple[str, int]: ...
        def _execution_id(self, conn: Connection, ref: NodeLike) -> int: ...
        @property
        def _guard(self) -> Guard: ...  # hides nodes whose labels are restricted above the reader's role

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
        with self._read() as conn:
            digests = None if inputs is None else [self._artifact(conn, ref).digest for ref in inputs]
            found = _reuse.find_reusable(conn, self._project_id, type=type, name=name, params_=wanted,
                                         input_digests=digests, limit=limit)
        return self._guard.screen(found, hidden="drop", what="reuse")

    def similar(self, ref: NodeLike, *, limit: int = 5) -> list[Similar]:
        """The datasets of the project most like ``ref``, best first, each with a score in [0, 1],
        the reasons (shared columns, close statistics) and the models trained on it.

        Raises:
            ValidationError: ``ref`` has no dataset profile to compare.
        """
        limit = _validate.limit(limit)
        with self._read() as conn:
            query = self._artifact(conn, ref)
        self._guard.screen([query], hidden="refuse", what="similar")
        with self._read() as conn:
            found = _similar.similar(conn, self._project_id, query, limit)
        shown = {a.id for a in self._guard.screen([s.artifact for s in found], hidden="drop", what="similar")}
        return [s for s in found if s.artifact.id in shown]

    def cached_execution(self, key: str) -> Execution | None:
        """The newest COMPLETE execution of the project recorded under a step's cache ``key``."""
        _validate.digest(key)
        with self._read() as conn:
            found = _reuse.cached_execution(conn, self._project_id, key)
        return None if found is None else next(iter(self._guard.screen([found], hidden="drop", what="cache")), None)

    def set_cache_key(self, execution: NodeLike, key: str) -> None:
        """Record the cache key of a RUNNING execution; it serves hits once the execution is COMPLETE."""
        _validate.digest(key)

        def work(conn: Connection) -> int:
            found: int = self._execution_id(conn, execution)
            _reuse.set_cache_key(conn, found, key)
            return found

        self._write(work, audit=lambda found: Change("execution.cache_key", f"exec:{found}", {"key": key}))

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
            original_id: int = self._execution_id(conn, original)
            parent_id = self._execution_id(conn, parent) if parent is not None else None
            input_ids = [self._artifact(conn, ref).id for ref in inputs]
            created = _reuse.record_cache_hit(
                conn, self._project_id, original_id=original_id, key=key, inputs=input_ids,
                environment=env, actor=self.actor, now=self.clock.now(), parent_id=parent_id,
            )
            return _executions.load_execution(conn, created)

        return self._write(
            work, audit=lambda e: Change("execution.cached", e.ref, {"cached_from": e.cached_from, "key": key}),
        )

    def _artifact(self, conn: Connection, ref: NodeLike) -> Artifact:
        kind, found = self._resolve(conn, ref)
        if kind != "artifact":
            raise ValidationError(f"{ref if isinstance(ref, str) else found} is an execution, not an artifact")
        return _artifacts.load_artifact(conn, found)
