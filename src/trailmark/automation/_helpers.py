"""Automation built once on the Store core, for every backend: gates, monitoring, leaderboards, webhooks."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trailmark.automation._entities import Delivery, DriftReport, GateResult, Webhook
    from trailmark.entities import Execution
    from trailmark.store import NodeLike, Store


class Webhooks:
    """``store.webhooks``: subscriptions of the project, and what was sent to them.

    Example:
        >>> hook = store.webhooks.add("https://ci.example/hook", events=["alias.moved"], secret="s3cret")
        >>> store.webhooks.deliveries(hook.id)
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, url: str, *, events: Sequence[str], secret: str | None = None) -> Webhook:
        """Subscribe ``url`` to ``events``; with a secret, each delivery is signed (HMAC-SHA256)."""
        return self.store.add_webhook(url, events=events, secret=secret)

    def list(self) -> builtins.list[Webhook]:
        return self.store.list_webhooks()

    def remove(self, hook_id: int) -> Webhook:
        """Unsubscribe; what is still pending for the hook is not sent."""
        return self.store.remove_webhook(hook_id)

    def deliveries(self, hook_id: int) -> builtins.list[Delivery]:
        """Every delivery of a hook with every attempt, oldest first."""
        return self.store.webhook_deliveries(hook_id)

    def deliver(self) -> int:
        """Send every pending delivery now, whatever its backoff; the number attempted."""
        return self.store.deliver_webhooks()


class AutomationHelpers:
    """Mixed into :class:`~trailmark.store._base.StoreBase`; each helper asks for a whole ``Store`` as ``self``,
    which the backends are (type checkers check it where a helper is called)."""

    @property
    def webhooks(self: Store) -> Webhooks:
        return Webhooks(self)

    def gate(
        self: Store,
        candidate: NodeLike,
        *,
        baseline: NodeLike | None,
        metric: str,
        direction: str = "min",
        min_improvement: float | str = 0.0,
    ) -> GateResult:
        """Whether ``candidate`` beats ``baseline`` on ``metric``, recorded as a Gate execution.

        ``min_improvement`` is in the metric's units (``500.0``) or relative to the
        baseline (``"1%"``). With no baseline yet (an alias not set) the gate passes, and
        says so; a candidate whose run did not log the metric fails.

        Example:
            >>> store.gate("model:house-price-rf@3", baseline="model:house-price-rf@production", metric="rmse")
        """
        from trailmark.automation._gating import gate

        return gate(self, candidate, baseline=baseline, metric=metric, direction=direction,
                    min_improvement=min_improvement)

    def monitor(self: Store, deployment: NodeLike, data: Any, *, name: str | None = None) -> DriftReport:
        """Compare production ``data`` (DataFrame, array or path) with the deployed model's training data.

        Example:
            >>> report = store.monitor("deployment:house-price-rf", production_df)
            >>> report.columns["size"]["statistic"]
        """
        from trailmark.automation._monitoring import monitor

        return monitor(self, deployment, data, name=name)

    def drift_history(self: Store, deployment: NodeLike) -> list[DriftReport]:
        """Every drift report of a deployment, oldest first."""
        from trailmark.automation._monitoring import drift_history

        return drift_history(self, deployment)

    def leaderboard(
        self: Store, experiment: str, *, metric: str, direction: str = "min", limit: int = 10
    ) -> list[tuple[Execution, float]]:
        """The best runs of ``experiment`` by the latest value of ``metric``: ``[(Execution, value)]``."""
        from trailmark.automation._leaderboard import leaderboard

        return leaderboard(self, experiment, metric=metric, direction=direction, limit=limit)
