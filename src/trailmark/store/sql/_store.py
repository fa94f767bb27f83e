"""SqlStore: the Store protocol over SQLite or PostgreSQL."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from functools import cache, cached_property
from pathlib import Path
from typing import IO, Any, TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.engine import make_url

from trailmark._clock import SYSTEM_CLOCK, Clock
from trailmark._config import DEFAULT_PROJECT
from trailmark._url import StoreURL
from trailmark.artifacts import ArtifactRoot, Blob, VerifiedReader, default_root_url
from trailmark.audit import AuditEntry, AuditReport
from trailmark.automation import Delivery, HealthCheck, Webhook
from trailmark.automation import Protection as AliasProtection
from trailmark.automation._urls import UrlPolicy
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
)
from trailmark.errors import NotFoundError, ValidationError
from trailmark.governance import (
    Classification,
    IssuedToken,
    Keyring,
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
from trailmark.governance._sensitive import seal
from trailmark.lineage import Lineage
from trailmark.refs import ExecutionRef
from trailmark.reuse import Similar
from trailmark.store import _validate
from trailmark.store._base import StoreBase, distinct_nodes, node_id
from trailmark.store._batch import Batch, DirectBatch
from trailmark.store._digests import artifact_digest, normalise_uri
from trailmark.store._lifecycle import ACTIVE, DEFAULT_REAP_AFTER, DELETED
from trailmark.store._protocol import NodeLike
from trailmark.store._series import MetricSeries
from trailmark.store.sql import (
    _artifacts,
    _audit,
    _classify,
    _contexts,
    _executions,
    _light_screen,
    _lineage,
    _metric_columns,
    _metrics,
    _refs,
    _registry,
    _schema,
    _session,
    _state,
)
from trailmark.store.sql._audit import Change
from trailmark.store.sql._automated import Automation, delivery_worker, queue_events, stop_deliveries
from trailmark.store.sql._bytes import SqlBytes
from trailmark.store.sql._governed import Governance
from trailmark.store.sql._guard import Guard
from trailmark.store.sql._lifecycle_store import Lifecycle
from trailmark.store.sql._lineage_events import LineageEvents
from trailmark.store.sql._protected import Protection
from trailmark.store.sql._reusing import Reuse
from trailmark.store.sql._scope import Scope
from trailmark.store.sql._tables import artifacts as artifact_rows  # `artifacts` is an argument of __init__
from trailmark.store.sql._tables import contexts, environments, events, executions, projects, tags
from trailmark.store.sql._upsert import upsert


@cache
def local_user() -> str:
    """The OS user this process runs as: the actor of an embedded store."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


T = TypeVar("T")


class SqlStore(StoreBase):
    """A store in a SQLite file or a PostgreSQL database.

    Example:
        >>> store = SqlStore("sqlite:///trailmark.db")
        >>> store.get("dataset:housing-raw@1")
    """

    def __init__(
        self, uri: str, *, project: str = DEFAULT_PROJECT, actor: str | None = None, clock: Clock | None = None,
        artifacts: str | None = None,
    ) -> None:
        self.uri = uri
        self.artifacts_url = default_root_url(uri, artifacts)  # where kept bytes go (None: nowhere)
        self.project = _validate.project_name(project)
        self.actor = actor or local_user()
        self.clock: Clock = clock or SYSTEM_CLOCK
        Keyring.from_env()  # a malformed TRAILMARK_SECRET_KEY stops the store here, not at its first Sensitive write
        _make_sqlite_parent(uri)
        self.engine = _session.make_engine(uri)
        try:
            _schema.ensure_schema(self.engine)
        except BaseException:
            self.engine.dispose()  # a refused store keeps no connection open
            raise
        self._project_id, created = self._write(
            lambda conn: _ensure_project(conn, self.project, self.clock.now()),
            audit=lambda done: Change("project.add", f"project:{self.project}", {"name": self.project})
            if done[1] else None,
        )
        self._environment_ids: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"SqlStore({make_url(self.uri).render_as_string(hide_password=True)!r}, project={self.project!r})"

    # -- transactions ---------------------------------------------------------------

    def _write(self, work: Callable[[Connection], T], *, audit: Callable[[T], Change | None] | None = None) -> T:
        """Run ``work(conn)`` in one write transaction; ``audit(result)`` -> the Change to log in it, or None."""
        if audit is None:
            return _session.write(self.engine, work)

        queued: list[int] = []  # webhook deliveries the write queued (see _automated)

        def audited(conn: Connection) -> T:
            result = work(conn)
            change = audit(result)
            if change is not None:  # last statement: the chain lock is held only until commit
                queued.append(self._queue_events(conn, change, result))
                project = None if change.unscoped else change.project or self.project
                _audit.append(conn, project=project, actor=self.actor, action=change.action, target=change.target,
                              payload=change.payload, now=self.clock.now(),
                              # no project id yet while __init__ creates the project
                              project_id=getattr(self, "_project_id", None) if project == self.project else None,
                              node=change.node, state=change.state, defer=True)
            return result

        result = _session.write(self.engine, audited)
        if any(queued):
            self._deliver_soon()
        return result

    def _read(self) -> AbstractContextManager[Connection]:
        return _session.read(self.engine)

    def _resolve(self, conn: Connection, ref: NodeLike, *, at: datetime | None = None) -> tuple[str, int]:
        if isinstance(ref, (Artifact, Execution)):
            if ref.project != self.project:  # a project is the unit of access control
                raise NotFoundError(f"{ref.ref} belongs to project {ref.project!r}, not {self.project!r}")
            return ref.kind, ref.id
        known = node_id(ref)
        if known is not None:
            return _refs.kind_by_id(conn, self._project_id, known), known
        at = _validate.instant(at) if at is not None else None
        return _refs.resolve(conn, self._project_id, _validate.parsed_reference(ref), at=at)

    def _execution_id(self, conn: Connection, ref: NodeLike) -> int:
        kind, found = self._resolve(conn, ref)
        if kind != "execution":
            raise ValidationError(f"{ref if isinstance(ref, str) else found} is an artifact, not an execution")
        return found

    # -- governance: composed pieces handed this store's scope (see _governed.py, _protected.py) --

    def _scope(self) -> Scope:
        """This store's project, actor, clock and entry points, for the pieces below (built per call: views differ)."""
        return Scope(
            project=self.project, project_id=self._project_id, actor=self.actor, clock=self.clock,
            engine=self.engine, read=self._read, write=self._write, resolve=self._resolve,
            erase_bytes=(lambda digest: self.artifact_root.delete(digest)) if self.artifacts_url else None,
        )

    @property
    def _governance(self) -> Governance:
        return Governance(self._scope())

    reader_role: Role | None = None
    """The role the reader holds in this project (None: every right, as the local user of an embedded store);
    a server sets it on each request's view, and labels restricted above it are hidden (``restrict``)."""

    @property
    def _guard(self) -> Guard:
        return Guard(self._scope(), self.reader_role)

    @property
    def _protection(self) -> Protection:
        return Protection(self._scope())

    # -- reuse: a composed piece handed this store's scope and guard (see _reusing.py, docs/reuse.md) --

    @property
    def _reuse(self) -> Reuse:
        return Reuse(self._scope(), self._guard)

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

    # -- lifecycle: a composed piece handed this store's scope (see _lifecycle_store.py) --

    @property
    def _lifecycle(self) -> Lifecycle:
        return Lifecycle(self._scope())

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

    def _ref_of(self, conn: Connection, node: int) -> str:
        return _lineage.load_nodes(conn, [node])[node].ref

    def verify_audit(self, *, anchor: str | None = None, deep: bool = False) -> AuditReport:
        return self._governance.verify_audit(anchor=anchor, deep=deep)

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

    def add_user(self, name: str) -> User:
        return self._governance.add_user(name)

    def users(self) -> list[User]:
        return self._governance.users()

    def create_token(self, user: str, *, expires: str | timedelta | None = None) -> IssuedToken:
        return self._governance.create_token(user, expires=expires)

    def revoke_token(self, token: str) -> TokenInfo:
        return self._governance.revoke_token(token)

    def revoke_tokens(self, user: str) -> list[TokenInfo]:
        return self._governance.revoke_tokens(user)

    def disable_user(self, name: str) -> User:
        return self._governance.disable_user(name)

    def remove_member(self, project: str, user: str) -> Member:
        return self._governance.remove_member(project, user)

    def audit_usage(self, ref: NodeLike) -> list[Usage]:
        return self._governance.usage(ref)

    def restrict(self, label: str, *, min_role: Role | str = Role.EDITOR) -> Restriction:
        return self._protection.restrict(label, min_role=min_role)

    def unrestrict(self, label: str) -> None:
        self._protection.unrestrict(label)

    def restrictions(self) -> list[Restriction]:
        return self._protection.restrictions()

    def tokens(self, *, user: str | None = None) -> list[TokenInfo]:
        return self._governance.tokens(user=user)

    def authenticate(self, token: str | None) -> Principal:
        return self._governance.authenticate(token)

    def auth_required(self) -> bool:
        return self._governance.auth_required()

    @staticmethod
    def authorize(principal: Principal, project: str, needed: Role | str) -> None:
        """Raise PermissionDeniedError unless ``principal`` has ``needed`` or more in ``project``."""
        authorize(principal, project, needed)

    def add_project(self, name: str) -> str:
        return self._governance.add_project(name)

    def projects(self) -> list[str]:
        return self._governance.projects()

    def add_member(self, project: str, user: str, role: Role | str) -> Member:
        return self._governance.add_member(project, user, role)

    def members(self, project: str | None = None) -> list[Member]:
        return self._governance.members(project)

    def classify(self, ref: NodeLike, label: str, *, propagate: bool = True) -> list[Classification]:
        return self._protection.classify(ref, label, propagate=propagate)

    def declassify(self, ref: NodeLike, label: str) -> None:
        self._protection.declassify(ref, label)

    def classifications(self, ref: NodeLike) -> list[Classification]:
        return self._protection.classifications(ref)

    def reveal(self, ref: NodeLike, path: str) -> Any:
        return self._protection.reveal(ref, path)

    def purge(self, ref: NodeLike, *, reason: str) -> Tombstone:
        return self._protection.purge(ref, reason=reason)

    def tombstone(self, ref: NodeLike) -> Tombstone | None:
        return self._protection.tombstone(ref)

    def retention_candidates(self, *, older_than: str | timedelta, type: str | None = None) -> list[Artifact]:
        return self._protection.retention_candidates(older_than=older_than, type=type)

    # -- kept bytes: a part over the artifact root (see _bytes.py) --

    @cached_property
    def _bytes(self) -> SqlBytes:
        return SqlBytes(self.artifacts_url)

    @property
    def artifact_root(self) -> ArtifactRoot:
        """The root this store keeps bytes in; ValidationError when it has none."""
        return self._bytes.root

    def put_bytes(self, source: bytes | IO[bytes]) -> Blob:
        return self._bytes.put_bytes(source)

    def open(self, ref: NodeLike) -> VerifiedReader:
        return self._bytes.open(self.get(ref))

    # -- OpenLineage events and column lineage: a part handed this store's scope and guard (see _lineage_events.py) --

    @property
    def _lineage_events(self) -> LineageEvents:
        return LineageEvents(self._scope(), self._guard)

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

    # -- automation: a part handed this store's scope, the store itself and its policy (see _automated.py) --

    webhook_policy: UrlPolicy = UrlPolicy()
    """Which webhook targets are allowed (a server sets it from ``--webhook-deny-private``)."""

    @property
    def _automation(self) -> Automation:
        return Automation(self._scope(), self, self.webhook_policy)

    def _queue_events(self, conn: Connection, change: Change, result: Any) -> int:
        return queue_events(conn, change, result, project=self.project, project_id=getattr(self, "_project_id", None),
                            clock=self.clock)

    def _deliver_soon(self) -> None:
        """After a commit that queued deliveries: wake the background sender."""
        delivery_worker(self.engine, self.clock, self.webhook_policy).kick()

    def _stop_deliveries(self) -> None:
        stop_deliveries(self.engine)

    def serve_webhooks(self, *, poll: float = 1.0) -> None:
        """Keep sending due deliveries until the store closes, looking every ``poll`` seconds (a server's worker)."""
        delivery_worker(self.engine, self.clock, self.webhook_policy).start(poll=poll)

    def _alias_gate(self, model: str, alias: str, version: int | None, force: bool) -> dict[str, Any] | None:
        return self._automation.alias_gate(model, alias, version, force)

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
    ) -> AliasProtection:
        return self._automation.protect_alias(model, alias, metric=metric, direction=direction,
                                              min_improvement=min_improvement)

    def alias_protections(self, model: str) -> list[AliasProtection]:
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

    # -- artifacts and executions -----------------------------------------------------

    def log_artifact(
        self,
        type: str,
        name: str,
        uri: str | None = None,
        *,
        digest: str | None = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Artifact:
        """Log a version of an artifact; known content returns the version already stored.

        Without ``digest``, a readable file, directory or fsspec URI is hashed; otherwise
        the digest covers the uri and properties.
        """
        _validate.type_name(type)
        _validate.node_name(name)
        plain = _validate.json_object(properties, "properties")  # a Sensitive value in its wire form
        props = seal(plain, "properties")[0]
        uri = normalise_uri(uri)
        if digest is None:
            digest = artifact_digest(uri, plain, read=True)
        digest = _validate.digest(digest)

        def work(conn: Connection) -> tuple[Artifact, bool]:
            done = _artifacts.insert_artifact(
                conn, project_id=self._project_id, type=type, name=name, digest=digest, uri=uri,
                properties=props, actor=self.actor, now=self.clock.now(), project=self.project,
            )
            if done[1]:  # personal data found by capture, or columns declared sensitive: labelled PII
                _classify.classify_found(conn, done[0].id, props, actor=self.actor, now=self.clock.now())
            return done

        def change(done: tuple[Artifact, bool]) -> Change | None:
            artifact, created = done
            payload = {"type": type, "name": name, "version": artifact.version, "digest": digest, "uri": uri,
                       "properties": props}
            row = {"id": artifact.id, "project_id": self._project_id, "type": type, "name": name,
                   "version": artifact.version, "digest": digest, "uri": uri, "properties": props,
                   "created_at": artifact.created_at, "created_by": self.actor, "description": None}
            return Change("artifact.create", artifact.ref, payload, node=artifact.id,
                          state=lambda conn, _: _state.artifact_created(conn, row)) if created else None

        return self._write(work, audit=change)[0]

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
        """Start a RUNNING execution; ``environment`` may carry ``packages`` (stored once per set);
        ``parent``: the execution it is nested in."""
        checked = _validate.execution_start(
            type, name, params=params, context=context, context_type=context_type, environment=environment
        )
        values = seal(checked["params"], "params")[0]
        env = dict(seal(checked["environment"], "environment")[0])  # Sensitive values encrypted, as in params
        packages = env.pop("packages", None)

        def work(conn: Connection) -> tuple[Execution, dict[str, Any]]:
            environment_id = self._environment_id(conn, env.get("packages_digest"), packages)
            parent_id = self._execution_id(conn, parent) if parent is not None else None
            row = _executions.insert_execution_row(
                conn, project_id=self._project_id, type=type, name=name, params_=values, environment=env,
                environment_id=environment_id, actor=self.actor, now=self.clock.now(), parent_id=parent_id,
            )
            if context is not None:
                _contexts.add_member(conn, self._project_id, context_type, context, row["id"], self.clock.now())
            return _executions.execution_of(row, self.project), row

        payload = {"type": type, "name": name, "params": values, "context": context, "environment": env}
        param_rows = _executions.state_params(values)
        return self._write(
            work, audit=lambda done: Change(
                "execution.start", done[0].ref, {**payload, "uid": done[0].uid, "parent": done[0].parent_id},
                node=done[0].id, state=lambda conn, _: _state.execution_created(conn, done[1], param_rows),
            )
        )[0]

    def _environment_id(self, conn: Connection, digest: str | None, packages: Any) -> int | None:
        if not digest or not isinstance(packages, dict):
            return None
        if digest not in self._environment_ids:
            self._environment_ids[digest] = _executions.ensure_environment(conn, digest, packages)
        return self._environment_ids[digest]

    def log_params(self, execution: NodeLike, params: Mapping[str, Any]) -> None:
        values = seal(_validate.json_object(params, "params"), "params")[0]

        def work(conn: Connection) -> tuple[int, dict[str, Any]]:
            found = self._execution_id(conn, execution)
            return found, _executions.add_params(conn, found, values)

        def state(conn: Connection, prior: _state.State | None, merged: dict[str, Any]) -> _state.State | None:
            return _state.with_keyed(conn, _state.with_row(conn, prior, {"params": merged}), "params",
                                     _executions.state_params(values))

        self._write(work, audit=lambda done: Change("params.log", f"exec:{done[0]}", values, node=done[0],
                                                    state=lambda conn, prior: state(conn, prior, done[1])))

    def link(
        self,
        execution: NodeLike,
        *,
        inputs: Iterable[NodeLike] = (),
        outputs: Iterable[NodeLike] = (),
        roles: Mapping[int, str] | None = None,
    ) -> None:
        """Record that ``execution`` read ``inputs`` and wrote ``outputs`` (``roles``: artifact id -> role).

        Each node counts once: repeated inputs or outputs make one edge.
        """
        role_of = {key: _validate.role(value) for key, value in dict(roles or {}).items()}
        inputs, outputs = distinct_nodes(inputs), distinct_nodes(outputs)
        _validate.link_sizes(inputs, outputs)

        def work(conn: Connection) -> tuple[int, list[dict[str, Any]]]:
            exec_id = self._execution_id(conn, execution)
            rows: dict[tuple[int, int], dict[str, Any]] = {}
            for kind, group in (("INPUT", inputs), ("OUTPUT", outputs)):
                for item in group:
                    found_kind, art_id = self._resolve(conn, item)
                    if found_kind != "artifact":
                        raise ValidationError(f"only artifacts are linked as {kind.lower()}s; {item!r} is an execution")
                    source, target = (art_id, exec_id) if kind == "INPUT" else (exec_id, art_id)
                    role = role_of.get(art_id)
                    rows.setdefault((source, target), {"source_id": source, "target_id": target, "kind": kind,
                                                       "role": role})
            edges = list(rows.values())
            if edges:
                upsert(conn, events, edges, keys=["source_id", "target_id"])
                _contexts.attribute_outputs(conn, exec_id, [r["target_id"] for r in edges if r["kind"] == "OUTPUT"])
                _classify.follow_links(conn, list(rows), actor=self.actor, now=self.clock.now())
            return exec_id, edges

        self._write(work, audit=lambda done: Change(
            "link", f"exec:{done[0]}", done[1], node=done[0],
            state=lambda conn, prior: _state.with_edges(prior, done[1]),
        ) if done[1] else None)

    def log_metric_points(self, execution: NodeLike, points: Sequence[Metric]) -> None:
        """Append metric points (one transaction for the whole batch)."""
        points = _validate.metric_points(points)

        def work(conn: Connection) -> int:
            found = self._execution_id(conn, execution)
            _metrics.insert_points(conn, found, points)
            return found

        # One entry per batch, over the points as columns (one C-level JSON encoding), keeps logging fast.
        payload = [[p.key for p in points], [p.value for p in points], [p.step for p in points],
                   [p.timestamp.timestamp() for p in points]]
        self._write(work, audit=lambda found: Change("metrics.log", f"exec:{found}", payload) if points else None)

    def end_execution(
        self,
        execution: NodeLike,
        *,
        status: str = "COMPLETE",
        error: str | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Execution:
        final = _validate.status(status)
        used = seal(_validate.json_object(resources, "resources"), "resources")[0]

        def work(conn: Connection) -> tuple[Execution, dict[str, Any]]:
            exec_id = self._execution_id(conn, execution)
            row = _executions.finish_row(
                conn, exec_id, status=final, ended_at=self.clock.now(), resources=used,
                error=_validate.plain_text(error) if error is not None else None,
            )
            return _executions.execution_of(row, self.project), row  # the entity first: webhooks describe it

        payload = {"status": final.value, "error": error, "resources": used}
        return self._write(work, audit=lambda done: Change(
            "execution.end", done[0].ref, payload, node=done[0].id,
            state=lambda conn, prior: _state.with_row(conn, prior, done[1]),
        ))[0]

    # -- reading ----------------------------------------------------------------------

    def get(self, ref: NodeLike, *, at: datetime | None = None) -> Node:
        """The artifact or execution a reference names (``at``: aliases and "latest" as they were then)."""
        with self._read() as conn:
            node = self._load(conn, ref, at)
            return self._guard.screen([node], hidden="refuse", what="get", conn=conn)[0]

    def _load(self, conn: Connection, ref: NodeLike, at: datetime | None) -> Node:
        """The node ``ref`` names: an ``exec:ID`` in one statement, other references resolved first."""
        if isinstance(ref, str) and ref.startswith("exec:") and at is None:  # ``at`` only moves aliases and "latest"
            parsed = _validate.parsed_reference(ref)
            if isinstance(parsed, ExecutionRef):
                found = _executions.load_executions(conn, executions.c.id == parsed.id,
                                                    executions.c.project_id == self._project_id)
                if not found:
                    raise _refs.missing_execution(parsed.id)
                return found[0]
        kind, found_id = self._resolve(conn, ref, at=at)
        if kind == "artifact":
            return _artifacts.load_artifact(conn, found_id)
        return _executions.load_execution(conn, found_id)

    def metrics(self, execution: NodeLike, *, key: str | None = None) -> MetricSeries:
        """The metric series of an execution, ordered by key and step (columns; points built when read)."""
        if self.reader_role is not None:
            self.get(execution)  # a run hidden from this reader keeps its metrics hidden too
        with self._read() as conn:
            return _metric_columns.load(conn, self._execution_id(conn, execution), key)

    def latest_metrics(self, execution: NodeLike) -> dict[str, float]:
        """The value at the latest step of each metric of an execution (from the series summaries)."""
        return self.latest_metrics_of([execution])[0]

    def latest_metrics_of(self, executions: Sequence[NodeLike]) -> list[dict[str, float]]:
        """``latest_metrics`` of several executions in one query, in the order given."""
        if self.reader_role is not None:  # runs hidden from this reader keep their metrics hidden (as ``metrics``)
            for ref in (e for e in executions if not isinstance(e, Execution)):
                self.get(ref)  # refuses a hidden one
            self._guard.screen([e for e in executions if isinstance(e, Execution)], hidden="refuse", what="metrics")
        with self._read() as conn:
            ids = [self._execution_id(conn, e) for e in executions]
            found = _metrics.latest_values_of(conn, ids)
        return [dict(found.get(i, {})) for i in ids]

    def lineage(
        self,
        ref: NodeLike,
        *,
        direction: str = "downstream",
        depth: int | None = None,
        types: Sequence[str] | None = None,
        include_parents: bool = False,
    ) -> Lineage:
        """What was derived from ``ref`` (downstream), what it came from (upstream), or both.

        ``depth`` counts edges (a dataset to the step that reads it is 1); ``types`` keeps
        only nodes of those artifact or execution types (the root is always kept);
        ``include_parents`` also follows run nesting (a DAG run and its task runs, ``tm.run``
        inside ``tm.run``) as PARENT edges from parent to child: downstream to the children,
        upstream to the parent.
        """
        _validate.direction(direction)
        _validate.depth(depth)
        walks = ("upstream", "downstream") if direction == "both" else (direction,)
        with self._read() as conn:
            _, root = self._resolve(conn, ref)
            light, edges = _lineage.traverse_light(conn, root, walks, depth,  # type: ignore[arg-type]  # walks holds only direction names
                                                   parents=include_parents)
        if self.reader_role is not None:  # hidden nodes keep their place in the walk, not their names
            light = _light_screen.screened(self._guard, light)
        depth_of = {i: n.depth for i, n in light.items() if i == root or types is None or n.type in types}
        ordered = sorted(sorted(depth_of), key=depth_of.__getitem__)  # by depth, then id: no key tuple per node

        def fetch() -> list[Node]:  # the full nodes, loaded (and screened) when first touched
            with self._read() as conn:
                found = _lineage.load_nodes(conn, ordered)
            return self._guard.screen([found[i] for i in ordered], hidden="placeholder", what="lineage")

        return Lineage(
            root=root,
            direction=direction,
            edges=[e for e in edges if e.source in depth_of and e.target in depth_of],
            depths={i: depth_of[i] for i in ordered},
            reached=[light[i] for i in ordered],
            fetch=fetch,
        )

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
        """Artifacts, executions or models matching a filter (see docs/search.md); soft-deleted
        ones only with ``include_deleted`` or a filter that names ``lifecycle``."""
        from trailmark.store.sql._search import search

        with self._read() as conn:
            page = search(
                conn, project_id=self._project_id, filter=filter, kind=kind, order_by=order_by,
                limit=limit, page_token=page_token, now=self.clock.now(), include_deleted=include_deleted,
            )
        return Page(self._guard.screen(page.items, hidden="drop", what="search"), page.next_page_token)

    # -- annotations, contexts, environments ----------------------------------------------

    def set_tag(self, ref: NodeLike, key: str, value: str) -> None:
        """Set a tag (a mutable label) on any node."""
        _validate.json_object({key: value}, "tags")

        def work(conn: Connection) -> tuple[str, int]:
            kind, found = self._resolve(conn, ref)
            upsert(conn, tags, {"node_id": found, "key": key, "value": str(value)}, keys=["node_id", "key"],
                   update=["value"])
            if kind == "execution":
                return f"exec:{found}", found
            return (ref.ref if isinstance(ref, Artifact) else self._ref_of(conn, found)), found

        self._write(work, audit=lambda done: Change(
            "tag.set", done[0], {key: str(value)}, node=done[1],
            state=lambda conn, prior: _state.with_keyed(conn, prior, "tags", [[key, str(value)]]),
        ))

    def tags(self, ref: NodeLike) -> dict[str, str]:
        if self.reader_role is not None:
            self.get(ref)  # a node hidden from this reader keeps its tags hidden too
        with self._read() as conn:
            _, found = self._resolve(conn, ref)
            rows = conn.execute(select(tags.c.key, tags.c.value).where(tags.c.node_id == found).order_by(tags.c.key))
            return {r.key: r.value for r in rows}

    def contexts(self, *, type: str | None = None) -> list[Context]:
        """The experiments and pipelines of this project."""
        query = select(contexts).where(contexts.c.project_id == self._project_id).order_by(contexts.c.id)
        if type is not None:
            query = query.where(contexts.c.type == type)
        with self._read() as conn:
            return [Context(id=r.id, project=self.project, type=r.type, name=r.name) for r in conn.execute(query)]

    def packages(self, digest: str) -> dict[str, str]:
        """The package versions of an environment, by its ``packages_digest``."""
        used_here = select(executions.c.id).where(  # only a set this project's executions ran with
            executions.c.environment_id == environments.c.id, executions.c.project_id == self._project_id
        ).exists()
        with self._read() as conn:
            found: dict[str, str] | None = conn.execute(
                select(environments.c.packages).where(environments.c.digest == digest, used_here)
            ).scalar()
        if found is None:
            raise NotFoundError(f"no environment with packages digest {digest} in project {self.project!r}")
        return found

    # -- registry ---------------------------------------------------------------------

    def set_alias(self, model: str, alias: str, *, version: int | None, force: bool = False) -> AliasMove:
        """Point ``alias`` of ``model`` at ``version`` (None removes it); every move is kept.

        A protected alias (``store.models.protect``) first runs its gate and raises
        GateFailedError when the version is worse; ``force`` moves it anyway, audited with the gate's result.
        """
        _validate.node_name(model, "model name")
        _validate.alias(alias)
        gated = self._alias_gate(model, alias, version, force)
        payload = {"version": version, **(gated or {})}
        return self._write(
            lambda conn: _registry.move_alias(
                conn, self._project_id, model, alias, version, self.actor, self.clock.now()
            ),
            audit=lambda move: Change("alias.move", f"model:{model}@{alias}", payload),
        )

    def versions(self, type: str, name: str) -> list[Artifact]:
        """Every version of the ``type``/``name`` series, oldest first."""
        with self._read() as conn:
            found = _artifacts.load_artifacts(
                conn,
                artifact_rows.c.project_id == self._project_id,
                artifact_rows.c.type == type,
                artifact_rows.c.name == name,
            )
        return self._guard.screen(found, hidden="drop", what="versions")

    def alias_history(self, model: str, alias: str | None = None) -> list[AliasMove]:
        with self._read() as conn:
            return _registry.alias_history(conn, self._project_id, model, alias)

    # -- batched writes -----------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """Writes in one transaction: nothing is visible before the block ends; an exception rolls it all back.

        While the block runs, this store's writes and reads in the same thread (or task)
        join the transaction, so they see what the batch wrote.
        """
        try:
            with _session.transaction(self.engine):
                yield DirectBatch(self)
        except BaseException:
            self._environment_ids.clear()  # ids cached during the batch were rolled back with it
            raise

    def for_project(self, project: str, *, actor: str | None = None, create: bool = False) -> SqlStore:
        """This store in ``project``, acting as ``actor``, on the same engine: what a server takes per request.

        Raises NotFoundError for an unknown project unless ``create`` (then it is made, audited as the actor).
        Close only the store the view came from; closing a view releases nothing.
        """
        from trailmark.store.sql._views import ProjectView  # _views builds on this module

        name = _validate.project_name(project)
        acting = actor or self.actor
        if create:
            ProjectView(self, project=self.project, project_id=self._project_id, actor=acting).add_project(name)
        with self._read() as conn:
            found = conn.execute(select(projects.c.id).where(projects.c.name == name)).scalar()
        if found is None:
            raise NotFoundError(f"no project {name!r}: connect with project={name!r} to create it")
        return ProjectView(self, project=name, project_id=found, actor=acting)

    def close(self) -> None:
        """Send the webhook deliveries due now (a few seconds at most), then release the database connections."""
        self._stop_deliveries()
        self.engine.dispose()


def _ensure_project(conn: Connection, name: str, now: datetime) -> tuple[int, bool]:
    """The project's id, and whether it was created now."""
    found = conn.execute(select(projects.c.id).where(projects.c.name == name)).scalar()
    if found is not None:
        return found, False
    upsert(conn, projects, {"name": name, "created_at": now}, keys=["name"])
    return conn.execute(select(projects.c.id).where(projects.c.name == name)).scalar_one(), True


def _make_sqlite_parent(uri: str) -> None:
    found = StoreURL.parse(uri).sqlite_file
    if found is not None:
        Path(found).expanduser().parent.mkdir(parents=True, exist_ok=True)

