"""Helpers built once on the Store core, shared by every backend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trailmark.automation._helpers import AutomationHelpers
from trailmark.entities import Artifact, Context, Execution, Metric
from trailmark.store import _attach, _batch

if TYPE_CHECKING:
    from typing_extensions import Self

    from trailmark._clock import Clock
    from trailmark.audit import Audit
    from trailmark.compare import Comparison
    from trailmark.registry import ModelRegistry
    from trailmark.store._protocol import NodeLike
    from trailmark.tracking import Run


class StoreBase(_batch.Helpers, AutomationHelpers):
    """Mixin of conveniences; a backend provides the core of :class:`~trailmark.store.Store`.

    ``log_metric``, ``log_metrics`` and ``log_param`` come from :class:`~trailmark.store._batch.Helpers`,
    shared with batches.
    """

    clock: Clock
    if TYPE_CHECKING:  # the core these helpers are built on; each backend defines it

        def metrics(self, execution: NodeLike, *, key: str | None = None) -> Sequence[Metric]: ...

        def contexts(self, *, type: str | None = None) -> list[Context]: ...

        def close(self) -> None: ...

    def run(
        self,
        name: str,
        *,
        type: str = "Run",
        experiment: str | None = None,
        params: Mapping[str, Any] | None = None,
        inputs: Sequence[Any] = (),
        cache: bool = False,
        system_metrics: bool | float | None = None,
    ) -> Run:
        """A tracked run on this store, to use as a context manager (see :func:`trailmark.run`).

        ``inputs`` are logged as the run starts; with ``cache=True`` they, the params, the type,
        the name and the enclosing code form a cache key (see docs/reuse.md, ``run.cached``).
        """
        made: Run = _attach.build(
            "run", self, name, type=type, experiment=experiment, params=params, inputs=inputs, cache=cache,
            system_metrics=system_metrics,
        )
        return made

    @property
    def models(self) -> ModelRegistry:
        """The model registry: versions, aliases, deployments."""
        registry: ModelRegistry = _attach.build("models", self)
        return registry

    @property
    def audit(self) -> Audit:
        """The audit log: ``store.audit.verify()``, ``store.audit.log(target=..., actor=..., since=...)``."""
        log: Audit = _attach.build("audit", self)
        return log

    def log_step(
        self,
        type: str,
        name: str,
        *,
        params: Mapping[str, Any] | None = None,
        inputs: Iterable[NodeLike] = (),
        outputs: Iterable[Mapping[str, Any] | NodeLike] = (),
        metrics: Mapping[str, float] | None = None,
        status: str = "COMPLETE",
        error: str | None = None,
        context: str | None = None,
        environment: Mapping[str, Any] | None = None,
    ) -> Execution:
        """A whole step in one transaction (one request over HTTP): a missing input leaves nothing.

        ``outputs``: artifacts (or references) already logged, or mappings with ``type``,
        ``name`` and optionally ``uri``, ``digest``, ``properties`` to log now.
        """
        return _batch.log_step(self, type, name, params=params, inputs=inputs, outputs=outputs, metrics=metrics,
                               status=status, error=error, context=context, environment=environment)

    def compare(self, *refs: NodeLike) -> Comparison:
        """Executions (or artifacts) side by side, with their differences marked."""
        comparison: Comparison = _attach.build("compare", self, refs)
        return comparison

    def experiments(self) -> list[Context]:
        """The experiments of this project: its contexts of type Experiment, oldest first."""
        return self.contexts(type="Experiment")

    def latest_metrics(self, execution: NodeLike) -> dict[str, float]:
        """The value at the latest step of each metric of an execution."""
        latest: dict[str, Metric] = {}
        for point in self.metrics(execution):
            if point.key not in latest or point.step >= latest[point.key].step:
                latest[point.key] = point
        return {key: point.value for key, point in latest.items()}

    def latest_metrics_of(self, executions: Sequence[NodeLike]) -> list[dict[str, float]]:
        """``latest_metrics`` of each execution, in the order given (SqlStore answers in one query)."""
        return [self.latest_metrics(e) for e in executions]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def node_id(node: NodeLike) -> int | None:
    """The id of an entity or a numeric id; None for a reference string still to resolve."""
    if isinstance(node, (Artifact, Execution)):
        return node.id
    if isinstance(node, int) and not isinstance(node, bool):
        return node
    return None


def distinct_nodes(nodes: Iterable[NodeLike]) -> list[NodeLike]:
    """``nodes`` without repeats (an entity, its id and a reference text each name a node once), in order."""
    seen: set[tuple[str, Any]] = set()
    found = []
    for node in nodes:
        known = node_id(node)
        key = ("id", known) if known is not None else ("ref", node.strip() if isinstance(node, str) else node)
        if key not in seen:
            seen.add(key)
            found.append(node)
    return found
