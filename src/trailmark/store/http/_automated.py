"""HttpStore's automation face: "payload -> request -> record" over ``trailmark.server.routes.automation``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from trailmark.automation._entities import Delivery, HealthCheck, Protection, Webhook, record_from_dict
from trailmark.automation._events import event_names, webhook_id
from trailmark.automation._gate import direction as checked_direction
from trailmark.automation._gate import min_improvement as checked_margin

if TYPE_CHECKING:
    from trailmark.store import NodeLike


class HttpAutomation:
    """Mixed into :class:`~trailmark.store.http.HttpStore`."""

    if TYPE_CHECKING:  # provided by HttpStore
        def _request(self, method: str, path: str, **kwargs: Any) -> Any: ...

    def add_webhook(self, url: str, *, events: Sequence[str], secret: str | None = None) -> Webhook:
        body = {"url": url, "events": event_names(events), "secret": secret}
        return record_from_dict(Webhook, self._request("POST", "/webhooks", json=body))

    def list_webhooks(self) -> list[Webhook]:
        return [record_from_dict(Webhook, h) for h in self._request("GET", "/webhooks")]

    def remove_webhook(self, hook_id: int) -> Webhook:
        return record_from_dict(Webhook, self._request("DELETE", f"/webhooks/{webhook_id(hook_id)}"))

    def webhook_deliveries(self, hook_id: int) -> list[Delivery]:
        found = self._request("GET", f"/webhooks/{webhook_id(hook_id)}/deliveries")
        return [record_from_dict(Delivery, d) for d in found]

    def deliver_webhooks(self) -> int:
        return int(self._request("POST", "/webhooks/deliver")["attempted"])

    def protect_alias(
        self, model: str, alias: str, *, metric: str, direction: str = "min", min_improvement: float | str = 0.0
    ) -> Protection:
        body = {"model": model, "alias": alias, "metric": metric, "direction": checked_direction(direction),
                "min_improvement": checked_margin(min_improvement)}
        return record_from_dict(Protection, self._request("POST", "/protections", json=body))

    def alias_protections(self, model: str) -> list[Protection]:
        return [record_from_dict(Protection, p) for p in self._request("GET", "/protections",
                                                                       params={"model": model})]

    def record_health(
        self, deployment: NodeLike, status: str, *, latency_ms: float | None = None, detail: str | None = None
    ) -> HealthCheck:
        body = {"status": status, "latency_ms": latency_ms, "detail": detail}
        return record_from_dict(HealthCheck, self._request("POST", f"/health/{_path(deployment)}", json=body))

    def health_history(self, deployment: NodeLike, *, limit: int = 100) -> list[HealthCheck]:
        found = self._request("GET", f"/health/{_path(deployment)}", params={"limit": limit})
        return [record_from_dict(HealthCheck, c) for c in found]

    def set_drift_thresholds(self, deployment: NodeLike, thresholds: Mapping[str, float]) -> dict[str, float]:
        body = {"thresholds": dict(thresholds)}
        found: dict[str, float] = self._request("PUT", f"/drift-thresholds/{_path(deployment)}", json=body)
        return found

    def drift_thresholds(self, deployment: NodeLike) -> dict[str, float]:
        found: dict[str, float] = self._request("GET", f"/drift-thresholds/{_path(deployment)}")
        return found


def _path(node: NodeLike) -> str:
    """A deployment in a path: an entity by its id, a reference as text."""
    ref = getattr(node, "id", node)
    return quote(str(ref), safe=":@/")
