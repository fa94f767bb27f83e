"""HttpStore's automation part: "payload -> request -> record" over ``trailmark.server.routes.automation``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from trailmark.automation._entities import Delivery, HealthCheck, Protection, Webhook, record_from_dict
from trailmark.automation._events import event_names, webhook_id
from trailmark.automation._gate import direction as checked_direction
from trailmark.automation._gate import min_improvement as checked_margin
from trailmark.store.http._wire import path_ref

if TYPE_CHECKING:
    from trailmark.store import NodeLike
    from trailmark.store.http._transport import Transport


class HttpAutomation:
    """The automation routes, through the transport it is handed; :class:`~trailmark.store.http.HttpStore` delegates."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def add_webhook(self, url: str, *, events: Sequence[str], secret: str | None = None) -> Webhook:
        body = {"url": url, "events": event_names(events), "secret": secret}
        return record_from_dict(Webhook, self.transport.request("POST", "/webhooks", json=body))

    def list_webhooks(self) -> list[Webhook]:
        return [record_from_dict(Webhook, h) for h in self.transport.request("GET", "/webhooks")]

    def remove_webhook(self, hook_id: int) -> Webhook:
        return record_from_dict(Webhook, self.transport.request("DELETE", f"/webhooks/{webhook_id(hook_id)}"))

    def webhook_deliveries(self, hook_id: int) -> list[Delivery]:
        found = self.transport.request("GET", f"/webhooks/{webhook_id(hook_id)}/deliveries")
        return [record_from_dict(Delivery, d) for d in found]

    def deliver_webhooks(self) -> int:
        return int(self.transport.request("POST", "/webhooks/deliver")["attempted"])

    def protect_alias(
        self, model: str, alias: str, *, metric: str, direction: str = "min", min_improvement: float | str = 0.0
    ) -> Protection:
        body = {"model": model, "alias": alias, "metric": metric, "direction": checked_direction(direction),
                "min_improvement": checked_margin(min_improvement)}
        return record_from_dict(Protection, self.transport.request("POST", "/protections", json=body))

    def alias_protections(self, model: str) -> list[Protection]:
        found = self.transport.request("GET", "/protections", params={"model": model})
        return [record_from_dict(Protection, p) for p in found]

    def record_health(
        self, deployment: NodeLike, status: str, *, latency_ms: float | None = None, detail: str | None = None
    ) -> HealthCheck:
        body = {"status": status, "latency_ms": latency_ms, "detail": detail}
        found = self.transport.request("POST", f"/health/{path_ref(deployment)}", json=body)
        return record_from_dict(HealthCheck, found)

    def health_history(self, deployment: NodeLike, *, limit: int = 100) -> list[HealthCheck]:
        found = self.transport.request("GET", f"/health/{path_ref(deployment)}", params={"limit": limit})
        return [record_from_dict(HealthCheck, c) for c in found]

    def set_drift_thresholds(self, deployment: NodeLike, thresholds: Mapping[str, float]) -> dict[str, float]:
        body = {"thresholds": dict(thresholds)}
        found: dict[str, float] = self.transport.request("PUT", f"/drift-thresholds/{path_ref(deployment)}", json=body)
        return found

    def drift_thresholds(self, deployment: NodeLike) -> dict[str, float]:
        found: dict[str, float] = self.transport.request("GET", f"/drift-thresholds/{path_ref(deployment)}")
        return found

