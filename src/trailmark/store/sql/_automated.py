"""SqlStore's automation part: webhooks and their outbox, protected aliases, health, drift thresholds.

:class:`Automation` works on the :class:`~trailmark.store.sql._scope.Scope` it is handed and
reaches the rest of the store only through the ``Store`` protocol (gates, deployments), so a
per-request view acts for its own project and actor; SqlStore's public methods build one per
call and delegate. Gates, monitoring and leaderboards are built on the protocol
(``trailmark.automation``); what lives here needs tables of its own. Every change is audited
like any other write.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, select

from trailmark.automation import _drift, _gate
from trailmark.automation._entities import HealthCheck, Protection, Webhook
from trailmark.automation._events import event_names, occurrences, webhook_id
from trailmark.automation._monitoring import deployment_of
from trailmark.automation._urls import UrlPolicy
from trailmark.automation._worker import DeliveryWorker
from trailmark.errors import GateFailedError, ValidationError
from trailmark.store import _validate
from trailmark.store.sql import _outbox, _webhooks
from trailmark.store.sql._audit import Change
from trailmark.store.sql._tables import alias_protections, deployment_health, drift_thresholds
from trailmark.store.sql._upsert import upsert

if TYPE_CHECKING:
    from trailmark._clock import Clock
    from trailmark.automation._entities import Delivery
    from trailmark.store import NodeLike, Store
    from trailmark.store.sql._scope import Scope

# One delivery worker per engine: a store and its per-request views share it.
_WORKERS: weakref.WeakKeyDictionary[Engine, DeliveryWorker] = weakref.WeakKeyDictionary()
_WORKERS_LOCK = threading.Lock()
MAX_SECRET = 500


def queue_events(conn: Connection, change: Change, result: Any, *, project: str, project_id: int | None,
                 clock: Clock) -> int:
    """Queue the webhook deliveries a write's audit change causes, in the write's transaction.

    ``project_id`` is None while the store creates its project: no hook can be subscribed to it yet.
    """
    if change.unscoped or change.project not in (None, project) or project_id is None:
        return 0
    found = occurrences(change.action, change.target, change.payload, result)
    return _outbox.queue(conn, project_id=project_id, project=project, found=found, now=clock.now()) if found else 0


def delivery_worker(engine: Engine, clock: Clock, policy: UrlPolicy) -> DeliveryWorker:
    """The engine's delivery worker (made with ``clock`` and ``policy`` on first use), shared by its views."""
    with _WORKERS_LOCK:
        worker = _WORKERS.get(engine)
        if worker is None:
            worker = _WORKERS[engine] = DeliveryWorker(_outbox.SqlOutbox(engine, clock), policy=policy)
        return worker


def stop_deliveries(engine: Engine) -> None:
    """Stop the engine's delivery worker, sending what is due now first."""
    with _WORKERS_LOCK:
        worker = _WORKERS.pop(engine, None)
    if worker is not None:
        worker.stop()


class Automation:
    """Webhooks, protected aliases, deployment health and drift thresholds of one scope.

    ``store`` is the store the scope belongs to, used through the protocol (gates, deployments);
    ``policy`` says which webhook targets are allowed.
    """

    def __init__(self, scope: Scope, store: Store, policy: UrlPolicy) -> None:
        self.scope = scope
        self.store = store
        self.policy = policy

    # -- webhooks ---------------------------------------------------------------------

    def add_webhook(self, url: str, *, events: Sequence[str], secret: str | None = None) -> Webhook:
        """Subscribe ``url`` to ``events`` of this project; a secret signs every delivery (HMAC-SHA256).

        Raises:
            ValidationError: not an http(s) URL, a refused address, or an unknown event name.
        """
        url = self.policy.check(url)
        names = event_names(events)
        if secret is not None and (not isinstance(secret, str) or not secret or len(secret) > MAX_SECRET):
            raise ValidationError(f"a webhook secret is a non-empty string of at most {MAX_SECRET} characters")

        def work(conn: Connection) -> Webhook:
            return _webhooks.add(conn, project_id=self.scope.project_id, project=self.scope.project, url=url,
                                 events=names, secret=secret, actor=self.scope.actor, now=self.scope.now())

        return self.scope.audited(work, lambda hook: Change(
            "webhook.add", f"webhook:{hook.id}", {"url": url, "events": names, "signed": secret is not None}))

    def list_webhooks(self) -> list[Webhook]:
        with self.scope.read() as conn:
            return _webhooks.listed(conn, project_id=self.scope.project_id, project=self.scope.project)

    def remove_webhook(self, hook_id: int) -> Webhook:
        hook_id = webhook_id(hook_id)

        def work(conn: Connection) -> Webhook:
            return _webhooks.remove(conn, project_id=self.scope.project_id, project=self.scope.project,
                                    hook_id=hook_id, now=self.scope.now())

        return self.scope.audited(
            work, lambda hook: Change("webhook.remove", f"webhook:{hook.id}", {"url": hook.url}))

    def webhook_deliveries(self, hook_id: int) -> list[Delivery]:
        hook_id = webhook_id(hook_id)
        with self.scope.read() as conn:
            _webhooks.get(conn, project_id=self.scope.project_id, project=self.scope.project, hook_id=hook_id)
            return _webhooks.deliveries(conn, hook_id=hook_id)

    def deliver_webhooks(self) -> int:
        """Send every pending delivery now, whatever its backoff; the number attempted."""
        return delivery_worker(self.scope.engine, self.scope.clock, self.policy).deliver(due_only=False)

    # -- protected aliases --------------------------------------------------------------

    def protect_alias(
        self, model: str, alias: str, *, metric: str, direction: str = "min", min_improvement: float | str = 0.0
    ) -> Protection:
        """From now on, moving ``alias`` runs a gate on ``metric`` against the version it points at."""
        _validate.node_name(model, "model name")
        _validate.alias(alias)
        if alias.isdigit():
            raise ValidationError(f"alias {alias!r} is not allowed: an alias is a word such as 'production'")
        if not isinstance(metric, str) or not metric.strip() or len(metric) > 250:
            raise ValidationError("a protected alias needs the name of the metric its gate compares, such as 'rmse'")
        values = {"metric": metric, "direction": _gate.direction(direction),
                  "min_improvement": str(_gate.min_improvement(min_improvement))}

        def work(conn: Connection) -> Protection:
            row = {"project_id": self.scope.project_id, "model": model, "alias": alias, **values,
                   "created_at": self.scope.now(), "created_by": self.scope.actor}
            upsert(conn, alias_protections, row, keys=["project_id", "model", "alias"], update=list(values))
            return _protections(conn, self.scope.project_id, model, alias)[0]

        return self.scope.audited(work, lambda _: Change("alias.protect", f"model:{model}@{alias}", values))

    def alias_protections(self, model: str) -> list[Protection]:
        with self.scope.read() as conn:
            return _protections(conn, self.scope.project_id, model, None)

    def alias_gate(self, model: str, alias: str, version: int | None, force: bool) -> dict[str, Any] | None:
        """For a move of a protected alias: run its gate; refuse a failed one unless forced. The audit's note."""
        with self.scope.read() as conn:
            found = _protections(conn, self.scope.project_id, model, alias)
        if not found:
            return None
        rule = found[0]
        if version is None:
            if not force:
                raise ValidationError(f"model:{model}@{alias} is protected: removing it needs force=True (admins)")
            return {"forced": True, "gate": None}
        result = self.store.gate(f"model:{model}@{version}", baseline=f"model:{model}@{alias}",
                                 metric=rule.metric, direction=rule.direction, min_improvement=rule.min_improvement)
        if not result.passed and not force:
            raise GateFailedError(f"model:{model}@{version} may not become {alias!r}: {result.reason}")
        return {"forced": force and not result.passed,
                "gate": {"passed": result.passed, "reason": result.reason, "candidate": result.candidate,
                         "baseline": result.baseline, "execution": result.execution}}

    # -- deployments: health over time, drift thresholds ---------------------------------------

    def record_health(
        self, deployment: NodeLike, status: str, *, latency_ms: float | None = None, detail: str | None = None
    ) -> HealthCheck:
        """Add one check to a deployment's health series (not a new Deployment version)."""
        target = deployment_of(self.store, deployment)
        if not isinstance(status, str) or not status.strip() or len(status) > 50:
            raise ValidationError("a health status is a short word such as 'healthy' (at most 50 characters)")
        if latency_ms is not None and (isinstance(latency_ms, bool) or not isinstance(latency_ms, (int, float))
                                       or not math.isfinite(latency_ms) or latency_ms < 0):
            raise ValidationError(f"latency_ms must be a number >= 0, not {latency_ms!r}")
        text = _validate.plain_text(detail) if detail is not None else None
        check = HealthCheck(deployment=target.name, status=status.strip(), latency_ms=latency_ms, detail=text,
                            checked_at=self.scope.now(), checked_by=self.scope.actor)

        def work(conn: Connection) -> HealthCheck:
            conn.execute(deployment_health.insert().values(
                project_id=self.scope.project_id, deployment=check.deployment, status=check.status,
                latency_ms=check.latency_ms, detail=check.detail, checked_at=check.checked_at,
                checked_by=check.checked_by))
            return check

        payload = {"status": check.status, "latency_ms": latency_ms, "detail": text}
        return self.scope.audited(work, lambda _: Change("health.record", target.ref, payload))

    def health_history(self, deployment: NodeLike, *, limit: int = 100) -> list[HealthCheck]:
        target = deployment_of(self.store, deployment)
        limit = _validate.limit(limit)
        h = deployment_health
        query = (select(h).where(h.c.project_id == self.scope.project_id, h.c.deployment == target.name)
                 .order_by(h.c.id.desc()).limit(limit))
        with self.scope.read() as conn:
            rows = conn.execute(query).all()
        return [HealthCheck(deployment=r.deployment, status=r.status, latency_ms=r.latency_ms, detail=r.detail,
                            checked_at=r.checked_at, checked_by=r.checked_by) for r in reversed(rows)]

    def set_drift_thresholds(self, deployment: NodeLike, thresholds: Mapping[str, float]) -> dict[str, float]:
        """Set thresholds of drift tests (psi, ks, js, null_rate) for a deployment; returns all in force."""
        target = deployment_of(self.store, deployment)
        _drift.thresholds(thresholds)  # refuses unknown tests and bad values
        given = {k: float(v) for k, v in dict(thresholds).items()}

        def work(conn: Connection) -> None:
            row = {"project_id": self.scope.project_id, "deployment": target.name, "thresholds": given,
                   "set_at": self.scope.now(), "set_by": self.scope.actor}
            upsert(conn, drift_thresholds, row, keys=["project_id", "deployment"], update=["thresholds", "set_at",
                                                                                            "set_by"])

        self.scope.audited(work, lambda _: Change("drift.thresholds", target.ref, given))
        return _drift.thresholds(given)

    def drift_thresholds(self, deployment: NodeLike) -> dict[str, float]:
        target = deployment_of(self.store, deployment)
        t = drift_thresholds
        with self.scope.read() as conn:
            found = conn.execute(select(t.c.thresholds).where(t.c.project_id == self.scope.project_id,
                                                              t.c.deployment == target.name)).scalar()
        return dict(found or {})


def _protections(conn: Connection, project_id: int, model: str, alias: str | None) -> list[Protection]:
    p = alias_protections
    query = select(p).where(p.c.project_id == project_id, p.c.model == model).order_by(p.c.alias)
    if alias is not None:
        query = query.where(p.c.alias == alias)
    return [Protection(model=r.model, alias=r.alias, metric=r.metric, direction=r.direction,
                       min_improvement=_gate.min_improvement(r.min_improvement), created_at=r.created_at,
                       created_by=r.created_by) for r in conn.execute(query)]
