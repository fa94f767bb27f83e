"""Metric points of an execution: written in batches, read as series; the latest values of several runs."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated

from fastapi import Query, Response

from trailmark.entities import Metric
from trailmark.server._deps import Reader, Writer, api_router
from trailmark.server._series_json import rest_series
from trailmark.server.schemas import MetricOut, MetricsIn

router = api_router("metrics")


@router.post("/executions/{ref}/metrics", status_code=204, response_class=Response)
def log_metric_points(ref: str, body: MetricsIn, store: Writer) -> None:
    """Append a batch of points in one transaction (all or none)."""
    now = datetime.now(timezone.utc)
    store.log_metric_points(ref, [Metric(p.key, p.value, p.step, p.timestamp or now) for p in body.points])


@router.get("/executions/{ref}/metrics", response_model=list[MetricOut])
def metrics(ref: str, store: Reader, key: Annotated[str | None, Query(description="Only this metric.")] = None
            ) -> Response:
    """The metric series of an execution, ordered by key and step."""
    return Response(rest_series(store.metrics(ref, key=key)), media_type="application/json")


@router.get("/metrics/latest", response_model=list[dict[str, float]])
def latest_metrics_of(
    store: Reader,
    execution: Annotated[list[str], Query(description="An execution (repeatable); answered in this order.")],
) -> Response:
    """The value at the latest step of each metric of each execution given, in one query."""
    # json writes NaN and infinities as the embedded store returns them (as the series route does)
    return Response(json.dumps(store.latest_metrics_of(execution)), media_type="application/json")
