"""The records of automation: gate results, webhooks and their deliveries, drift reports, health checks."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from trailmark.entities import field_values

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")


@dataclasses.dataclass(frozen=True)
class GateResult:
    """A gate's verdict; ``candidate``/``baseline`` are the metric values compared (None: absent)."""

    passed: bool
    candidate: float | None
    baseline: float | None
    reason: str
    metric: str
    direction: str
    min_improvement: float | str
    candidate_ref: str
    baseline_ref: str | None
    execution: str | None = None  # the Gate execution that recorded it
    report: str | None = None  # its Report artifact


@dataclasses.dataclass(frozen=True)
class Protection:
    """A protected alias: moving it runs a gate on ``metric``."""

    model: str
    alias: str
    metric: str
    direction: str
    min_improvement: float | str
    created_at: datetime
    created_by: str | None = None


@dataclasses.dataclass(frozen=True)
class Webhook:
    """A subscription: events of a project are POSTed to ``url`` (signed when it has a secret)."""

    id: int
    project: str
    url: str
    events: list[str]
    signed: bool
    created_at: datetime
    created_by: str | None = None


@dataclasses.dataclass(frozen=True)
class DeliveryAttempt:
    """One try at sending a delivery: the receiver's status code, or the error that stopped it."""

    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


@dataclasses.dataclass(frozen=True)
class Delivery:
    """One event for one webhook: ``pending`` (retried with backoff), ``delivered`` or ``failed``."""

    id: str  # also the payload's id and X-Trailmark-Delivery
    webhook_id: int
    event: str
    subject: str
    state: str
    status_code: int | None  # of the latest attempt
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    history: list[DeliveryAttempt] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class DriftReport:
    """Production data against the deployed model's training data, column by column.

    ``columns[name]`` is ``{"test", "statistic", "threshold", "drifted", "checks": [...]}``;
    every statistic grows with drift and ``drifted`` is ``statistic > threshold``.
    """

    drifted: bool
    columns: dict[str, dict[str, Any]]
    deployment: str
    model: str | None
    training: str | None
    batch: str | None
    schema: dict[str, list[str]]
    created_at: datetime | None = None
    ref: str | None = None  # the DriftReport artifact
    execution: str | None = None  # the Monitor execution


@dataclasses.dataclass(frozen=True)
class HealthCheck:
    """One health check of a deployment."""

    deployment: str
    status: str
    latency_ms: float | None
    detail: str | None
    checked_at: datetime
    checked_by: str | None = None


def record_to_dict(record: Any) -> dict[str, Any]:
    """The JSON form of a record (datetimes in ISO 8601, nested records too)."""
    plain: dict[str, Any] = _plain(dataclasses.asdict(record))
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def record_from_dict(cls: type[D], data: dict[str, Any]) -> D:
    """Rebuild a record from :func:`record_to_dict` output; unknown keys are ignored."""
    values = field_values(cls, data)
    if "history" in values:
        values["history"] = [record_from_dict(DeliveryAttempt, item) for item in values["history"]]
    return cls(**values)
