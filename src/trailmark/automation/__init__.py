"""Automation: gates, protected aliases, webhooks, drift monitoring, deployment health, leaderboards.

See docs/automation.md.
"""

from __future__ import annotations

from trailmark.automation._entities import (
    Delivery,
    DeliveryAttempt,
    DriftReport,
    GateResult,
    HealthCheck,
    Protection,
    Webhook,
)
from trailmark.automation._events import EVENTS
from trailmark.automation._helpers import Webhooks

__all__ = [
    "EVENTS",
    "Delivery",
    "DeliveryAttempt",
    "DriftReport",
    "GateResult",
    "HealthCheck",
    "Protection",
    "Webhook",
    "Webhooks",
]
