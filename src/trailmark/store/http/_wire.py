"""Values as the REST API carries them, shared by HttpStore and its batches."""

from __future__ import annotations

from typing import Any

from trailmark.entities import Metric


def metric_json(point: Metric) -> dict[str, Any]:
    return {"key": point.key, "value": point.value, "step": point.step, "timestamp": point.timestamp.isoformat()}
