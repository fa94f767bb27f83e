"""HttpStore: the Store protocol as a client of ``trailmark server``.

Every method is "payload -> request -> entity". Arguments are checked here with the same
checks (and messages) as the SQL backend; local files are hashed here, since the server
cannot read them.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import IO, Any
from urllib.parse import quote

from trailmark._clock import SYSTEM_CLOCK, Clock
from trailmark._config import DEFAULT_PROJECT
from trailmark.artifacts import Blob, VerifiedReader
from trailmark.audit import AuditEntry, AuditReport
from trailmark.automation import Delivery, HealthCheck, Protection, Webhook
from trailmark.entities import (
    AliasMove,
    Artifact,
    ColumnEdge,
    Context,
    Execution,
    IngestedEvent,
    LineageJob,
    Metric,
    Node,
    Page,
    from_dict,
    node_from_dict,
)
from trailmark.errors import ValidationError
from trailmark.governance import (
    Classification,
    IssuedToken,
    Member,
    Principal,
    Restriction,
    Role,
    TokenInfo,
    Tombstone,
    Usage,
    User,
    authorize,
)
from trailmark.lineage import Lineage
from trailmark.reuse import Similar
from trailmark.store import _validate
from trailmark.store._base import StoreBase, distinct_nodes
from trailmark.store._lifecycle import ACTIVE, DEFAULT_REAP_AFTER, DELETED
from trailmark.store._protocol import NodeLike
from trailmark.store._series import IsoStamps, MetricSeries
from trailmark.store.http._access import HttpAccess
from trailmark.store.http._automated import HttpAutomation
from trailmark.store.http._batch import HttpBatch
from trailmark.store.http._bytes import HttpBytes
from trailmark.store.http._governed import HttpGovernance
from trailmark.store.http._lifecycle import HttpLifecycle
from trailmark.store.http._lineage_events import HttpLineageEvents
from trailmark.store.http._reuse import HttpReuse
from trailmark.store.http._transport import Transport
from trailmark.store.http._wire import artifact_body, end_body, execution_path, metric_json
from trailmark.store.http._wire import path_ref as _path_ref
from trailmark.store.http._wire import ref_text as _ref

TOKEN_ENV = "TRAILMARK_TOKEN"
METRICS_PER_REQUEST = 10_000


class HttpStore(StoreBase):
    """A store served by ``trailmark server`` at ``uri``.

    Args:
        uri: ``http://HOST:PORT`` (a path prefix behind a reverse proxy is kept).
        project: the project to work in; connecting creates it if needed.
        token: a bearer token; default ``$TRAILMARK_TOKEN``.
        timeout: seconds to wait for any one response.
        clock: the time of metric points logged without one (the server stamps everything else).

    Example:
        >>> store = HttpStore("http://localhost:5000", token="...")
    """

    def __init__(
        self,
        uri: str,
        *,
        project: str = DEFAULT_PROJECT,
        token: str | None = None,
        timeout: float = 30.0,
        clock: Clock | None = None,
        artifacts: str | None = None,
    ) -> None:
        if artifacts is not None:
            raise ValidationError(
                "a server keeps the bytes itself: start it with `trailmark server --artifacts-root URL`"
            )
        self.uri = uri.rstrip("/")
        self.project = _validate.project_name(project)
        self.clock: Clock = clock or SYSTEM_CLOCK
        token = token if token is not None else os.environ.get(TOKEN_ENV)
        self._transport = Transport(self.uri, project=self.project, token=token, timeout=timeout)
        weakref.finalize(self, self._transport.close)  # a store dropped without close() still lets its sockets go
        self._lifecycle = HttpLifecycle(self._transport)
        self._reuse = HttpReuse(self._transport)
        self._automation = HttpAutomation(self._transport)
        self._lineage_events = HttpLineageEvents(self._transport)
        self._bytes = HttpBytes(self._transport)
        self._governance = HttpGovernance(self._transport, self.project)
        self._access = HttpAccess(self._transport)
        try:
            self._request("PUT", f"/projects/{quote(self.project, safe='')}")
        except BaseException:  # a refused token or project: leave no connection open behind
            self._transport.close()
            raise

    def __repr__(self) -> str:
        return f"HttpStore({self.uri!r}, project={self.project!r})"

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._transport.request(method, path, **kwargs)

    # -- writing ----------------------------------------------------------------------

    def log_artifact(
        self,
        type: str,
        name: str,
        uri: str | None = None,
        *,
        digest: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Artifact:
        """Log a version of an artifact (see :meth:`SqlStore.log_artifact`); local files are hashed here."""
        body = artifact_body(type, name, uri, digest=digest, properties=properties)
        return from_dict(Artifact, self._request("POST", "/artifacts", json=body, idempotent=True))

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
    ) -> Execution:
        body = {
            **_validate.execution_start(
                type, name, params=params, context=context, context_type=context_type, environment=environment
            ),
            "parent": _ref(parent) if parent is not None else None,
        }
        return from_dict(Execution, self._request("POST", "/executions", json=body))

    def log_params(self, execution: NodeLike, params: Mapping[str, Any]) -> None:
        body = {"params": _validate.json_object(params, "params")}
        self._request("POST", self._execution_path(execution, "params"), json=body, idempotent=True)

    def link(
        self,
        execution: NodeLike,
        *,
        inputs: Iterable[NodeLike] = (),
        outputs: Iterable[NodeLike] = (),
        roles: Mapping[int, str] | None = None,
    ) -> None:
        ins, outs = distinct_nodes(inputs), distinct_nodes(outputs)
        _validate.link_sizes(ins, outs)
        body = {
            "inputs": [_ref(n) for n in ins],
            "outputs": [_ref(n) for n in outs],
            "roles": {str(k): _validate.role(v) for k, v in (roles or {}).items()},
        }
        self._request("POST", self._execution_path(execution, "links"), json=body, idempotent=True)

    def log_metric_points(self, execution: NodeLike, points: Sequence[Metric]) -> None:
        """Send metric points in batches of up to 10,000 per request."""
        points = _validate.metric_points(points)
        path = self._execution_path(execution, "metrics")
        for start in range(0, len(points), METRICS_PER_REQUEST):
            body = {"points": [metric_json(p) for p in points[start : start + METRICS_PER_REQUEST]]}
            self._request("POST", path, json=body)

    def end_execution(
        self,
        execution: NodeLike,
        *,
        status: str = "COMPLETE",
        error: str | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Execution:
        body = end_body(status, error, resources)
        return from_dict(Execution, self._request("POST", self._execution_path(execution, "end"), json=body))

    def set_tag(self, ref: NodeLike, key: str, value: str) -> None:
        _validate.tag(key, value)
        body = {"key": key, "value": str(value)}
        self._request("POST", f"/tags/{_path_ref(ref)}", json=body, idempotent=True)

    def set_alias(self, model: str, alias: str, *, version: int | None, force: bool = False) -> AliasMove:
        body = {"model": _validate.node_name(model, "model name"), "alias": _validate.alias(alias), "version": version,
                **({"force": True} if force else {})}
        return from_dict(AliasMove, self._request("POST", "/aliases", json=body))

    # -- reading ----------------------------------------------------------------------

    def get(self, ref: NodeLike, *, at: datetime | None = None) -> Node:
        params = {"at": at.isoformat()} if at is not None else None
        return node_from_dict(self._request("GET", f"/nodes/{_path_ref(ref)}", params=params))

    def metrics(self, execution: NodeLike, *, key: str | None = None) -> MetricSeries:
        """The points as a series (see ``SqlStore.metrics``): a ``Metric`` is built only when one is read."""
        params = {"key": key} if key is not None else None
        points = self._request("GET", self._execution_path(execution, "metrics"), params=params)
        keys, values, steps, stamps = ([p[name] for p in points] for name in ("key", "value", "step", "timestamp"))
        return MetricSeries(keys, values, steps, stamps, IsoStamps())

    def latest_metrics(self, execution: NodeLike) -> dict[str, float]:
        return self.latest_metrics_of([execution])[0]

    def latest_metrics_of(self, executions: Sequence[NodeLike]) -> list[dict[str, float]]:
        """``latest_metrics`` of several executions in one request (one query on the server), in the order given."""
        if not executions:
            return []
        found: list[dict[str, float]] = self._request("GET", "/metrics/latest",
                                                      params={"execution": [_ref(e) for e in executions]})
        return found

    def lineage(
        self,
        ref: NodeLike,
        *,
        direction: str = "downstream",
        depth: int | None = None,
        types: Sequence[str] | None = None,
        include_parents: bool = False,
    ) -> Lineage:
        params: dict[str, Any] = {"direction": _validate.direction(direction)}
        if _validate.depth(depth) is not None:
            params["depth"] = depth
        if types:
            params["types"] = list(types)
        if include_parents:
            params["include_parents"] = True
        import orjson  # the light walk's columns: written with it by the server

        from trailmark.store.http._lineage_light import lazy_lineage  # the light walk, full nodes when touched

        light = self._request("GET", f"/lineage/{_path_ref(ref)}", params={**params, "light": True}, loads=orjson.loads)
        return lazy_lineage(light, lambda root: self._request("GET", f"/lineage/{_path_ref(root)}", params=params))

    def search(
        self,
        filter: str = "",
        *,
        kind: str = "artifacts",
        order_by: Sequence[str] | None = None,
        limit: int = 100,
        page_token: str | None = None,
        include_deleted: bool = False,
    ) -> Page[Any]:
        """Artifacts, executions or models matching a filter; a bad filter raises FilterSyntaxError."""
        params: dict[str, Any] = {"filter": filter, "kind": kind, "limit": _validate.limit(limit)}
        if order_by:
            params["order_by"] = list(order_by)
        if page_token is not None:
            params["page_token"] = page_token
        if include_deleted:
            params["include_deleted"] = True
        import orjson  # the server writes search answers with it

        found = self._request("GET", "/search", params=params, loads=orjson.loads)
        return Page([node_from_dict(item) for item in found["items"]], found["next_page_token"])

    def tags(self, ref: NodeLike) -> dict[str, str]:
        found: dict[str, str] = self._request("GET", f"/tags/{_path_ref(ref)}")
        return found

    def contexts(self, *, type: str | None = None) -> list[Context]:
        params = {"type": type} if type is not None else None
        return [from_dict(Context, c) for c in self._request("GET", "/contexts", params=params)]

    def packages(self, digest: str) -> dict[str, str]:
        found: dict[str, str] = self._request("GET", f"/packages/{quote(digest, safe=':')}")
        return found

    def versions(self, type: str, name: str) -> list[Artifact]:
        found = self._request("GET", f"/series/{quote(type, safe='')}/{quote(name, safe='/')}")
        return [from_dict(Artifact, a) for a in found]

    def alias_history(self, model: str, alias: str | None = None) -> list[AliasMove]:
        params = {"model": model, **({"alias": alias} if alias is not None else {})}
        return [from_dict(AliasMove, m) for m in self._request("GET", "/aliases", params=params)]

    # -- batched writes -----------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[HttpBatch]:
        """Writes recorded in the block and sent as one request when it ends (one transaction on the server).

        Calls return :class:`~trailmark.store.Pending` placeholders, which later calls of the
        batch may name and which hold the entities once the block has ended. An exception
        inside the block sends nothing.
        """
        recorded = HttpBatch(self.clock)
        yield recorded
        recorded.finish(lambda operations: self._request("POST", "/batch", json={"operations": operations})["results"])

    def close(self) -> None:
        """Close the connections to the server."""
        self._transport.close()

    # -- users, tokens, projects (see _access.py) --------------------------------------------

    def add_user(self, name: str) -> User:
        return self._access.add_user(name)

    def users(self) -> list[User]:
        return self._access.users()

    def create_token(self, user: str, *, expires: str | timedelta | None = None) -> IssuedToken:
        return self._access.create_token(user, expires=expires)

    def revoke_token(self, token: str) -> TokenInfo:
        return self._access.revoke_token(token)

    def tokens(self, *, user: str | None = None) -> list[TokenInfo]:
        return self._access.tokens(user=user)

    def authenticate(self, token: str | None) -> Principal:
        return self._access.authenticate(token)

    def auth_required(self) -> bool:
        return self._access.auth_required()

    @staticmethod
    def authorize(principal: Principal, project: str, needed: Role | str) -> None:
        """Raise PermissionDeniedError unless ``principal`` has ``needed`` or more in ``project``."""
        authorize(principal, project, needed)

    def add_project(self, name: str) -> str:
        return self._access.add_project(name)

    def projects(self) -> list[str]:
        return self._access.projects()

    def retention_candidates(self, *, older_than: str | timedelta, type: str | None = None) -> list[Artifact]:
        return self._access.retention_candidates(older_than=older_than, type=type)

    def for_project(self, project: str, *, actor: str | None = None, create: bool = False) -> HttpStore:
        """A client of the same server in ``project`` (a new connection; close it when done).

        Over HTTP the token names the actor, so ``actor`` must be left out. Raises
        NotFoundError for an unknown project unless ``create``.
        """
        if actor is not None:
            raise ValidationError("over HTTP the token says who acts: connect with that user's token instead of actor=")
        if not create:
            self._request("GET", f"/projects/{quote(project, safe='')}")
        transport = self._transport
        return HttpStore(transport.base_url, project=project, token=transport.token, timeout=transport.timeout,
                         clock=self.clock)

    # -- governance: audit, restrictions, members, classifications, purge (see _governed.py) ---

    reader_role: Role | None = None
    """Always None here: the server hides what the token's role may not read (``restrict``)."""

    def verify_audit(self, *, anchor: str | None = None, deep: bool = False) -> AuditReport:
        return self._governance.verify_audit(anchor=anchor, deep=deep)

    def audit_usage(self, ref: NodeLike) -> list[Usage]:
        return self._governance.audit_usage(ref)

    def audit_entries(
        self,
        *,
        target: NodeLike | None = None,
        actor: str | None = None,
        since: datetime | None = None,
        project: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        return self._governance.audit_entries(target=target, actor=actor, since=since, project=project, limit=limit)

    def restrict(self, label: str, *, min_role: Role | str = Role.EDITOR) -> Restriction:
        return self._governance.restrict(label, min_role=min_role)

    def unrestrict(self, label: str) -> None:
        self._governance.unrestrict(label)

    def restrictions(self) -> list[Restriction]:
        return self._governance.restrictions()

    def members(self, project: str | None = None) -> list[Member]:
        return self._governance.members(project)

    def add_member(self, project: str, user: str, role: Role | str) -> Member:
        return self._governance.add_member(project, user, role)

    def remove_member(self, project: str, user: str) -> Member:
        return self._governance.remove_member(project, user)

    def disable_user(self, name: str) -> User:
        return self._governance.disable_user(name)

    def revoke_tokens(self, user: str) -> list[TokenInfo]:
        return self._governance.revoke_tokens(user)

    def classify(self, ref: NodeLike, label: str, *, propagate: bool = True) -> list[Classification]:
        return self._governance.classify(ref, label, propagate=propagate)

    def declassify(self, ref: NodeLike, label: str) -> None:
        self._governance.declassify(ref, label)

    def classifications(self, ref: NodeLike) -> list[Classification]:
        return self._governance.classifications(ref)

    def reveal(self, ref: NodeLike, path: str) -> Any:
        return self._governance.reveal(ref, path)

    def purge(self, ref: NodeLike, *, reason: str) -> Tombstone:
        return self._governance.purge(ref, reason=reason)

    def tombstone(self, ref: NodeLike) -> Tombstone | None:
        return self._governance.tombstone(ref)

    # -- kept bytes (see _bytes.py) ----------------------------------------------------------

    def put_bytes(self, source: bytes | IO[bytes]) -> Blob:
        return self._bytes.put_bytes(source)

    def open(self, ref: NodeLike) -> VerifiedReader:
        return self._bytes.open(ref)

    # -- lifecycle (see _lifecycle.py) ----------------------------------------------------

    def set_description(self, ref: NodeLike, text: str | None) -> Node:
        return self._lifecycle.set_description(ref, text)

    def delete_tag(self, ref: NodeLike, key: str) -> None:
        self._lifecycle.delete_tag(ref, key)

    def delete(self, ref: NodeLike) -> Node:
        return self._lifecycle.set_lifecycle(ref, DELETED)

    def restore(self, ref: NodeLike) -> Node:
        return self._lifecycle.set_lifecycle(ref, ACTIVE)

    def heartbeat(self, execution: NodeLike) -> None:
        self._lifecycle.heartbeat(execution)

    def reap(self, *, older_than: str | timedelta = DEFAULT_REAP_AFTER) -> list[Execution]:
        return self._lifecycle.reap(older_than)

    # -- reuse (see _reuse.py) ------------------------------------------------------------

    def find_reusable(
        self,
        type: str,
        name: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        inputs: Sequence[NodeLike] | None = None,
        limit: int = 20,
    ) -> list[Execution]:
        return self._reuse.find_reusable(type, name, params=params, inputs=inputs, limit=limit)

    def similar(self, ref: NodeLike, *, limit: int = 5) -> list[Similar]:
        return self._reuse.similar(ref, limit=limit)

    def cached_execution(self, key: str) -> Execution | None:
        return self._reuse.cached_execution(key)

    def set_cache_key(self, execution: NodeLike, key: str) -> None:
        self._reuse.set_cache_key(execution, key)

    def record_cache_hit(
        self,
        original: NodeLike,
        *,
        key: str,
        inputs: Sequence[NodeLike] = (),
        parent: NodeLike | None = None,
        environment: Mapping[str, Any] | None = None,
    ) -> Execution:
        return self._reuse.record_cache_hit(original, key=key, inputs=inputs, parent=parent, environment=environment)

    # -- automation: webhooks, protected aliases, health, drift thresholds (see _automated.py) --

    def add_webhook(self, url: str, *, events: Sequence[str], secret: str | None = None) -> Webhook:
        return self._automation.add_webhook(url, events=events, secret=secret)

    def list_webhooks(self) -> list[Webhook]:
        return self._automation.list_webhooks()

    def remove_webhook(self, hook_id: int) -> Webhook:
        return self._automation.remove_webhook(hook_id)

    def webhook_deliveries(self, hook_id: int) -> list[Delivery]:
        return self._automation.webhook_deliveries(hook_id)

    def deliver_webhooks(self) -> int:
        return self._automation.deliver_webhooks()

    def protect_alias(
        self, model: str, alias: str, *, metric: str, direction: str = "min", min_improvement: float | str = 0.0
    ) -> Protection:
        return self._automation.protect_alias(model, alias, metric=metric, direction=direction,
                                              min_improvement=min_improvement)

    def alias_protections(self, model: str) -> list[Protection]:
        return self._automation.alias_protections(model)

    def record_health(
        self, deployment: NodeLike, status: str, *, latency_ms: float | None = None, detail: str | None = None
    ) -> HealthCheck:
        return self._automation.record_health(deployment, status, latency_ms=latency_ms, detail=detail)

    def health_history(self, deployment: NodeLike, *, limit: int = 100) -> list[HealthCheck]:
        return self._automation.health_history(deployment, limit=limit)

    def set_drift_thresholds(self, deployment: NodeLike, thresholds: Mapping[str, float]) -> dict[str, float]:
        return self._automation.set_drift_thresholds(deployment, thresholds)

    def drift_thresholds(self, deployment: NodeLike) -> dict[str, float]:
        return self._automation.drift_thresholds(deployment)

    # -- OpenLineage events and column lineage (see _lineage_events.py) -----------------------

    def ingest_openlineage(self, event: Mapping[str, Any]) -> IngestedEvent:
        return self._lineage_events.ingest_openlineage(event)

    def openlineage_events(
        self, ref: NodeLike | None = None, *, limit: int = 100, offset: int = 0, newest_first: bool = False
    ) -> list[dict[str, Any]]:
        return self._lineage_events.openlineage_events(ref, limit=limit, offset=offset, newest_first=newest_first)

    def openlineage_event_count(self) -> int:
        return self._lineage_events.openlineage_event_count()

    def openlineage_namespaces(self) -> list[str]:
        return self._lineage_events.openlineage_namespaces()

    def openlineage_datasets(self, namespace: str) -> list[Artifact]:
        return self._lineage_events.openlineage_datasets(namespace)

    def openlineage_dataset(self, namespace: str, name: str) -> Artifact:
        return self._lineage_events.openlineage_dataset(namespace, name)

    def openlineage_jobs(self, namespace: str) -> list[LineageJob]:
        return self._lineage_events.openlineage_jobs(namespace)

    def column_lineage(
        self, ref: NodeLike, *, column: str | None = None, direction: str = "upstream", depth: int | None = None
    ) -> list[ColumnEdge]:
        return self._lineage_events.column_lineage(ref, column=column, direction=direction, depth=depth)

    def log_column_lineage(self, edges: Sequence[ColumnEdge], *, execution: NodeLike | None = None) -> None:
        self._lineage_events.log_column_lineage(edges, execution=execution)

    # -- references in paths ----------------------------------------------------------

    def _execution_path(self, execution: NodeLike, action: str) -> str:
        return execution_path(self._transport, execution, action)
