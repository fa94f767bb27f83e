"""The Store protocol: the one interface the tracking API, the CLI, the server and the UI use.

Backends (:class:`~trailmark.store.sql.SqlStore`, :class:`~trailmark.store.http.HttpStore`)
implement the core below; helpers such as ``log_metric`` or ``run`` are built once on it
in :class:`~trailmark.store._base.StoreBase`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, Any, Protocol, runtime_checkable

from trailmark._clock import Clock
from trailmark.entities import AliasMove, Artifact, Context, Execution, Metric, Node, Page
from trailmark.lineage import Lineage
from trailmark.store._batch import Batch
from trailmark.store._faces import Governance, Helpers

if TYPE_CHECKING:
    from trailmark.artifacts import Blob, VerifiedReader
    from trailmark.automation import Delivery, DriftReport, GateResult, HealthCheck, Protection, Webhook, Webhooks
    from trailmark.entities import ColumnEdge, IngestedEvent, LineageJob
    from trailmark.reuse import Similar

NodeLike = Artifact | Execution | str | int
"""A node given to the store: an entity, a reference string or an id."""


@runtime_checkable
class Store(Helpers, Governance, Protocol):
    """Core operations every backend implements. Each write is committed before it returns."""

    project: str
    clock: Clock
    """Where every timestamp the store writes comes from (see :mod:`trailmark._clock`)."""

    def log_artifact(
        self,
        type: str,
        name: str,
        uri: str | None = None,
        *,
        digest: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Artifact: ...

    def start_execution(
        self,
        type: str,
        name: str,
        *,
        params: Mapping[str, Any] | None = None,
        context: str | None = None,
        context_type: str = "Experiment",
        environment: Mapping[str, Any] | None = None,
        parent: NodeLike | None = None,
    ) -> Execution: ...

    def log_params(self, execution: NodeLike, params: Mapping[str, Any]) -> None: ...

    def link(
        self,
        execution: NodeLike,
        *,
        inputs: Iterable[NodeLike] = (),
        outputs: Iterable[NodeLike] = (),
        roles: Mapping[int, str] | None = None,
    ) -> None: ...

    def log_metric_points(self, execution: NodeLike, points: Sequence[Metric]) -> None: ...

    def end_execution(
        self,
        execution: NodeLike,
        *,
        status: str = "COMPLETE",
        error: str | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Execution: ...

    def get(self, ref: NodeLike, *, at: datetime | None = None) -> Node: ...

    def metrics(self, execution: NodeLike, *, key: str | None = None) -> Sequence[Metric]: ...

    def lineage(
        self,
        ref: NodeLike,
        *,
        direction: str = "downstream",
        depth: int | None = None,
        types: Sequence[str] | None = None,
        include_parents: bool = False,
    ) -> Lineage: ...

    def search(
        self,
        filter: str = "",
        *,
        kind: str = "artifacts",
        order_by: Sequence[str] | None = None,
        limit: int = 100,
        page_token: str | None = None,
        include_deleted: bool = False,
    ) -> Page[Any]: ...

    def set_tag(self, ref: NodeLike, key: str, value: str) -> None: ...

    def tags(self, ref: NodeLike) -> dict[str, str]: ...

    def contexts(self, *, type: str | None = None) -> list[Context]: ...

    def packages(self, digest: str) -> dict[str, str]: ...

    def versions(self, type: str, name: str) -> list[Artifact]: ...

    def set_alias(self, model: str, alias: str, *, version: int | None, force: bool = False) -> AliasMove:
        """Move an alias; a protected alias first runs its gate (``force``: admins move it anyway, audited)."""
        ...

    def alias_history(self, model: str, alias: str | None = None) -> list[AliasMove]: ...

    # -- lifecycle: notes, soft delete, heartbeats (see docs/concepts.md, "Lifecycle") -------

    def experiments(self) -> list[Context]:
        """The contexts of type Experiment."""
        ...

    def set_description(self, ref: NodeLike, text: str | None) -> Node:
        """Set or clear (None, '') the note of any node: audited, not a new version."""
        ...

    def delete_tag(self, ref: NodeLike, key: str) -> None: ...

    def delete(self, ref: NodeLike) -> Node:
        """Soft delete: lifecycle 'deleted', left out of search, runs and models; nothing is erased."""
        ...

    def restore(self, ref: NodeLike) -> Node: ...

    def heartbeat(self, execution: NodeLike) -> None:
        """Record that a RUNNING execution is alive now."""
        ...

    def reap(self, *, older_than: str | timedelta = "10m") -> list[Execution]:
        """End as FAILED every RUNNING execution without a heartbeat for ``older_than``."""
        ...

    # -- kept bytes (the artifact root; see docs/artifacts.md) ---------------------------

    def put_bytes(self, source: bytes | IO[bytes]) -> Blob:
        """Keep bytes (or a binary stream, read in chunks) in the artifact root, once per digest."""
        ...

    def open(self, ref: NodeLike) -> VerifiedReader:
        """The kept bytes of an artifact as a binary file, checked against their digest as read."""
        ...

    # -- batched writes (see docs/python-api.md, "Batched writes") --------------------------

    def batch(self) -> AbstractContextManager[Batch]:
        """Writes in one transaction (over HTTP one request) when the ``with`` block ends; an exception stores none."""
        ...

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
        """A whole step (execution, outputs, links, metrics, end) in one transaction."""
        ...

    # -- automation: gates, webhooks, monitoring, health (see docs/automation.md) -----------

    @property
    def webhooks(self) -> Webhooks:
        """``add``, ``list``, ``remove``, ``deliveries``, ``deliver``: the project's webhooks."""
        ...

    def gate(
        self,
        candidate: NodeLike,
        *,
        baseline: NodeLike | None,
        metric: str,
        direction: str = "min",
        min_improvement: float | str = 0.0,
    ) -> GateResult:
        """Compare a candidate model with a baseline on one metric; recorded as a Gate execution."""
        ...

    def protect_alias(
        self, model: str, alias: str, *, metric: str, direction: str = "min", min_improvement: float | str = 0.0
    ) -> Protection:
        """Make moving ``alias`` of ``model`` run a gate on ``metric`` against the version it points at."""
        ...

    def alias_protections(self, model: str) -> list[Protection]: ...

    def add_webhook(self, url: str, *, events: Sequence[str], secret: str | None = None) -> Webhook:
        """Subscribe ``url`` to events of this project (project admins)."""
        ...

    def list_webhooks(self) -> list[Webhook]: ...

    def remove_webhook(self, hook_id: int) -> Webhook: ...

    def webhook_deliveries(self, hook_id: int) -> list[Delivery]:
        """Every delivery of a hook, with every attempt, oldest first."""
        ...

    def deliver_webhooks(self) -> int:
        """Send every pending delivery now; the number attempted."""
        ...

    def monitor(self, deployment: NodeLike, data: Any, *, name: str | None = None) -> DriftReport:
        """Compare production data with the deployed model's training data; recorded as a Monitor execution."""
        ...

    def drift_history(self, deployment: NodeLike) -> list[DriftReport]: ...

    def set_drift_thresholds(self, deployment: NodeLike, thresholds: Mapping[str, float]) -> dict[str, float]:
        """Thresholds of the drift tests for one deployment (by name); unset tests keep their defaults."""
        ...

    def drift_thresholds(self, deployment: NodeLike) -> dict[str, float]:
        """The thresholds set for a deployment (only those set; the defaults fill the rest)."""
        ...

    def record_health(
        self, deployment: NodeLike, status: str, *, latency_ms: float | None = None, detail: str | None = None
    ) -> HealthCheck:
        """Add a health check to a deployment's series."""
        ...

    def health_history(self, deployment: NodeLike, *, limit: int = 100) -> list[HealthCheck]:
        """The newest ``limit`` health checks of a deployment, oldest first."""
        ...

    def leaderboard(
        self, experiment: str, *, metric: str, direction: str = "min", limit: int = 10
    ) -> list[tuple[Execution, float]]: ...

    # -- OpenLineage and column lineage (docs/openlineage.md) ------------------------------

    def ingest_openlineage(self, event: Mapping[str, Any]) -> IngestedEvent:
        """Record one OpenLineage RunEvent, DatasetEvent or JobEvent in one transaction."""
        ...

    def openlineage_events(
        self, ref: NodeLike | None = None, *, limit: int = 100, offset: int = 0, newest_first: bool = False
    ) -> list[dict[str, Any]]:
        """The OpenLineage events stored as they came: of one execution's run, or of the project."""
        ...

    def openlineage_event_count(self) -> int: ...

    def openlineage_namespaces(self) -> list[str]: ...

    def openlineage_datasets(self, namespace: str) -> list[Artifact]: ...

    def openlineage_dataset(self, namespace: str, name: str) -> Artifact: ...

    def openlineage_jobs(self, namespace: str) -> list[LineageJob]: ...

    def column_lineage(
        self, ref: NodeLike, *, column: str | None = None, direction: str = "upstream", depth: int | None = None
    ) -> list[ColumnEdge]:
        """Column-level lineage of a dataset: where a column came from (upstream), or what it fed."""
        ...

    def log_column_lineage(self, edges: Sequence[ColumnEdge], *, execution: NodeLike | None = None) -> None: ...

    # -- reuse: earlier work and similar datasets (see docs/reuse.md) ---------------------

    def find_reusable(
        self,
        type: str,
        name: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        inputs: Sequence[NodeLike] | None = None,
        limit: int = 20,
    ) -> list[Execution]:
        """Earlier COMPLETE executions with exactly these params and inputs (by digest), newest first."""
        ...

    def similar(self, ref: NodeLike, *, limit: int = 5) -> list[Similar]:
        """The datasets of the project most like ``ref`` (by profile meta-features), best first."""
        ...

    def cached_execution(self, key: str) -> Execution | None:
        """The newest COMPLETE execution recorded under a step's cache key."""
        ...

    def set_cache_key(self, execution: NodeLike, key: str) -> None:
        """Record the cache key of a RUNNING execution."""
        ...

    def record_cache_hit(
        self,
        original: NodeLike,
        *,
        key: str,
        inputs: Sequence[NodeLike] = (),
        parent: NodeLike | None = None,
        environment: Mapping[str, Any] | None = None,
    ) -> Execution:
        """One transaction: a COMPLETE execution reusing ``original``'s outputs, ``cached_from`` set."""
        ...

    def close(self) -> None: ...
