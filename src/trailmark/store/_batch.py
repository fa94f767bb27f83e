"""Batched writes: the object ``store.batch()`` yields, and ``log_step`` built on it.

A batch has the write methods of a store. Its calls return :class:`Pending` placeholders
that later calls of the same batch may name (also as keys of ``roles``), and that hold the
entity once it is written: at once on a SQL store, whose batch is one transaction; when
the block ends over HTTP, where the batch is one request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from trailmark._clock import Clock
from trailmark.entities import Artifact, Execution, Metric
from trailmark.errors import ValidationError

T = TypeVar("T")


class Pending(Generic[T]):
    """The result of a batched write that is not sent yet; ``.value`` once the batch has ended.

    Attributes of the result (``.id``, ``.ref``...) are read through, once it is there.
    """

    def __init__(self, index: int, what: str) -> None:
        self.index = index
        self.what = what
        self._result: tuple[T] | None = None  # a 1-tuple once written (the entity itself may be any value)

    def resolve(self, value: T) -> None:
        self._result = (value,)

    @property
    def value(self) -> T:
        if self._result is None:
            raise ValidationError(f"the {self.what} of this batch is written when the `with store.batch()` block ends")
        return self._result[0]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.value, name)

    def __repr__(self) -> str:
        return f"Pending({self.what} #{self.index}{', ' + repr(self._result[0]) if self._result else ''})"


def resolved(value: T | Pending[T]) -> T:
    """The entity of a batch call's result, whichever backend made it."""
    return value.value if isinstance(value, Pending) else value


BatchNode = Artifact | Execution | Pending[Any] | str | int
"""A node named inside a batch: as in a store call, or the result of an earlier call of the batch."""


class Batch(Protocol):
    """The write methods of a store, batched (see :meth:`trailmark.store.Store.batch`)."""

    def log_artifact(
        self,
        type: str,
        name: str,
        uri: str | None = None,
        *,
        digest: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Pending[Artifact]: ...

    def start_execution(
        self,
        type: str,
        name: str,
        *,
        params: Mapping[str, Any] | None = None,
        context: str | None = None,
        context_type: str = "Experiment",
        environment: Mapping[str, Any] | None = None,
    ) -> Pending[Execution]: ...

    def log_params(self, execution: BatchNode, params: Mapping[str, Any]) -> None: ...

    def log_param(self, execution: BatchNode, key: str, value: Any) -> None: ...

    def link(
        self,
        execution: BatchNode,
        *,
        inputs: Iterable[BatchNode] = (),
        outputs: Iterable[BatchNode] = (),
        roles: Mapping[Any, str] | None = None,
    ) -> None: ...

    def log_metric_points(self, execution: BatchNode, points: Sequence[Metric]) -> None: ...

    def log_metrics(
        self, execution: BatchNode, values: Mapping[str, float], *, step: int = 0, timestamp: datetime | None = None
    ) -> None: ...

    def log_metric(
        self, execution: BatchNode, key: str, value: float, *, step: int = 0, timestamp: datetime | None = None
    ) -> None: ...

    def set_tag(self, ref: BatchNode, key: str, value: str) -> None: ...

    def end_execution(
        self,
        execution: BatchNode,
        *,
        status: str = "COMPLETE",
        error: str | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Pending[Execution]: ...


class Helpers:
    """``log_metric``, ``log_metrics`` and ``log_param`` built on the core write methods (of a store or a batch)."""

    clock: Clock
    if TYPE_CHECKING:  # the core these are built on; each store and batch defines it

        def log_metric_points(self, execution: Any, points: Sequence[Metric]) -> None: ...

        def log_params(self, execution: Any, params: Mapping[str, Any]) -> None: ...

    def log_metric(
        self, execution: Any, key: str, value: float, *, step: int = 0, timestamp: datetime | None = None
    ) -> None:
        """Log one metric point (for loops, prefer ``run.log_metric``, which buffers)."""
        self.log_metrics(execution, {key: value}, step=step, timestamp=timestamp)

    def log_metrics(
        self, execution: Any, values: Mapping[str, float], *, step: int = 0, timestamp: datetime | None = None
    ) -> None:
        """Log several metrics at one step in one write."""
        when = timestamp or self.clock.now()
        points = [Metric(key, value, step, when) for key, value in values.items()]  # checked by log_metric_points
        self.log_metric_points(execution, points)

    def log_param(self, execution: Any, key: str, value: Any) -> None:
        """Add one parameter to a running execution."""
        self.log_params(execution, {key: value})


class DirectBatch(Helpers):
    """A batch whose calls go straight to a store whose writes, meanwhile, share one transaction."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.clock = store.clock
        self._made = 0

    def _done(self, value: T, what: str) -> Pending[T]:
        pending: Pending[T] = Pending(self._made, what)
        pending.resolve(value)
        self._made += 1
        return pending

    def log_artifact(
        self,
        type: str,
        name: str,
        uri: str | None = None,
        *,
        digest: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Pending[Artifact]:
        return self._done(self._store.log_artifact(type, name, uri, digest=digest, properties=properties), "artifact")

    def start_execution(
        self,
        type: str,
        name: str,
        *,
        params: Mapping[str, Any] | None = None,
        context: str | None = None,
        context_type: str = "Experiment",
        environment: Mapping[str, Any] | None = None,
    ) -> Pending[Execution]:
        started = self._store.start_execution(
            type, name, params=params, context=context, context_type=context_type, environment=environment
        )
        return self._done(started, "execution")

    def log_params(self, execution: BatchNode, params: Mapping[str, Any]) -> None:
        self._store.log_params(resolved(execution), params)

    def link(
        self,
        execution: BatchNode,
        *,
        inputs: Iterable[BatchNode] = (),
        outputs: Iterable[BatchNode] = (),
        roles: Mapping[Any, str] | None = None,
    ) -> None:
        self._store.link(
            resolved(execution), inputs=[resolved(n) for n in inputs], outputs=[resolved(n) for n in outputs],
            roles={_role_key(k): v for k, v in (roles or {}).items()},
        )

    def log_metric_points(self, execution: BatchNode, points: Sequence[Metric]) -> None:
        self._store.log_metric_points(resolved(execution), points)

    def set_tag(self, ref: BatchNode, key: str, value: str) -> None:
        self._store.set_tag(resolved(ref), key, value)

    def end_execution(
        self,
        execution: BatchNode,
        *,
        status: str = "COMPLETE",
        error: str | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Pending[Execution]:
        ended = self._store.end_execution(resolved(execution), status=status, error=error, resources=resources)
        return self._done(ended, "ended execution")


def role_key(node: Any) -> Any:
    """How ``roles`` names an artifact: its id, or its placeholder in a batch (entities are not hashable)."""
    if isinstance(node, Artifact):
        return node.id
    if isinstance(node, Pending) or (isinstance(node, int) and not isinstance(node, bool)):
        return node
    raise ValidationError(f"roles are keyed by artifact, artifact id or batch placeholder, got {node!r}")


def _role_key(key: Any) -> int:
    """A roles key as the store takes it: an artifact id."""
    found = role_key(resolved(key))
    if not isinstance(found, int):
        raise ValidationError(f"roles are keyed by artifact or artifact id, got {key!r}")
    return found


def log_step(
    store: Any,
    type: str,
    name: str,
    *,
    params: Mapping[str, Any] | None = None,
    inputs: Iterable[BatchNode] = (),
    outputs: Iterable[Mapping[str, Any] | BatchNode] = (),
    metrics: Mapping[str, float] | None = None,
    status: str = "COMPLETE",
    error: str | None = None,
    context: str | None = None,
    environment: Mapping[str, Any] | None = None,
) -> Execution:
    """A whole step in one batch: start, outputs logged, links, metrics, end (see Store.log_step)."""
    with store.batch() as b:
        execution = b.start_execution(type, name, params=params, context=context, environment=environment)
        made = [_output(b, o) for o in outputs]
        b.link(execution, inputs=list(inputs), outputs=made)
        if metrics:
            b.log_metrics(execution, metrics)
        ended: Pending[Execution] = b.end_execution(execution, status=status, error=error)
    return ended.value


_OUTPUT_KEYS = {"type", "name", "uri", "digest", "properties"}


def _output(batch: Batch, output: Mapping[str, Any] | BatchNode) -> BatchNode:
    if not isinstance(output, Mapping):
        return output
    unknown = set(output) - _OUTPUT_KEYS
    if unknown or "type" not in output or "name" not in output:
        raise ValidationError(
            "an output to log is a mapping with type, name and optionally uri, digest, properties; "
            f"got {dict(output)!r}"
        )
    return batch.log_artifact(
        output["type"], output["name"], output.get("uri"), digest=output.get("digest"),
        properties=output.get("properties"),
    )
