"""Automation over REST: webhooks and their deliveries, protected aliases, deployment health, drift thresholds.

Gates, monitoring and leaderboards need no routes of their own: the client builds them
on the core routes, as the embedded store does. Webhooks and protections are for the
project's admins; health checks and thresholds for its editors.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from trailmark.automation._entities import record_to_dict
from trailmark.server._deps import Admin, Reader, Writer, api_router

router = api_router("automation")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WebhookIn(_In):
    url: str = Field(max_length=2000, examples=["https://ci.example/hook"])
    events: list[str] = Field(max_length=20, examples=[["alias.moved", "drift.detected"]])
    secret: str | None = Field(default=None, max_length=500)


class ProtectionIn(_In):
    model: str = Field(max_length=300)
    alias: str = Field(max_length=100, examples=["production"])
    metric: str = Field(max_length=250, examples=["rmse"])
    direction: str = Field(default="min", max_length=3, description="min: lower is better; max: higher")
    min_improvement: float | str = Field(default=0.0, description="In the metric's units, or a percentage ('1%').")


class HealthIn(_In):
    status: str = Field(max_length=50, examples=["healthy"])
    latency_ms: float | None = None
    detail: str | None = Field(default=None, max_length=2000)


class ThresholdsIn(_In):
    thresholds: dict[str, float] = Field(max_length=20, examples=[{"psi": 0.25, "js": 0.15}])


@router.post("/webhooks")
def add_webhook(body: WebhookIn, store: Admin) -> dict[str, Any]:
    """Subscribe a URL to events of the project (admin); a secret signs each delivery."""
    return record_to_dict(store.add_webhook(body.url, events=body.events, secret=body.secret))


@router.get("/webhooks")
def list_webhooks(store: Admin) -> list[dict[str, Any]]:
    """The project's webhooks (admin)."""
    return [record_to_dict(hook) for hook in store.list_webhooks()]


@router.delete("/webhooks/{hook_id}")
def remove_webhook(hook_id: int, store: Admin) -> dict[str, Any]:
    """Unsubscribe a webhook (admin)."""
    return record_to_dict(store.remove_webhook(hook_id))


@router.get("/webhooks/{hook_id}/deliveries")
def webhook_deliveries(hook_id: int, store: Admin) -> list[dict[str, Any]]:
    """Every delivery of a webhook with every attempt, oldest first (admin)."""
    return [record_to_dict(d) for d in store.webhook_deliveries(hook_id)]


@router.post("/webhooks/deliver")
def deliver_webhooks(store: Admin) -> dict[str, int]:
    """Send every pending delivery now, whatever its backoff (admin)."""
    return {"attempted": store.deliver_webhooks()}


@router.post("/protections")
def protect_alias(body: ProtectionIn, store: Admin) -> dict[str, Any]:
    """Protect an alias: moving it runs a gate on the metric (admin)."""
    return record_to_dict(store.protect_alias(body.model, body.alias, metric=body.metric, direction=body.direction,
                                              min_improvement=body.min_improvement))


@router.get("/protections")
def alias_protections(store: Reader, model: Annotated[str, Query(max_length=300)]) -> list[dict[str, Any]]:
    """The protected aliases of a model."""
    return [record_to_dict(p) for p in store.alias_protections(model)]


@router.post("/health/{ref:path}")
def record_health(ref: str, body: HealthIn, store: Writer) -> dict[str, Any]:
    """Add a health check to a deployment's series."""
    return record_to_dict(store.record_health(ref, body.status, latency_ms=body.latency_ms, detail=body.detail))


@router.get("/health/{ref:path}")
def health_history(ref: str, store: Reader, limit: Annotated[int, Query(ge=1, le=10000)] = 100) -> list[dict[str, Any]]:
    """A deployment's latest health checks, oldest first."""
    return [record_to_dict(c) for c in store.health_history(ref, limit=limit)]


@router.put("/drift-thresholds/{ref:path}")
def set_drift_thresholds(ref: str, body: ThresholdsIn, store: Writer) -> dict[str, float]:
    """Set drift thresholds (psi, ks, js, null_rate) for a deployment; returns all in force."""
    return store.set_drift_thresholds(ref, body.thresholds)


@router.get("/drift-thresholds/{ref:path}")
def drift_thresholds(ref: str, store: Reader) -> dict[str, float]:
    """The thresholds set for a deployment (the defaults fill the rest)."""
    return store.drift_thresholds(ref)
