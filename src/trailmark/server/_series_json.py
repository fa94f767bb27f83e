"""JSON text of a metric series written from its columns: no ``Metric`` nor dict per point.

The REST route sends ``[{"key", "value", "step", "timestamp"}, ...]`` and MLflow's
``metrics/get-history`` ``{"metrics": [{"key", "value", "timestamp", "step"}, ...]}``; both are
the same bytes ``json.dumps`` would write for those objects (numbers as ``json`` writes them,
timestamps as ISO 8601 text or epoch milliseconds), built by joining the encoded columns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from trailmark.entities import Metric
from trailmark.mlflow._json import decode_token, encode_token
from trailmark.store._series import AwareStamps, MetricSeries


def _columns(points: Sequence[Metric]) -> MetricSeries:
    if isinstance(points, MetricSeries):
        return points
    return MetricSeries([p.key for p in points], [p.value for p in points], [p.step for p in points],
                        [p.timestamp for p in points], AwareStamps())


def _encoded(series: MetricSeries) -> tuple[list[str], list[str]]:
    """Each point's key and value as JSON text, encoded a column at a time."""
    if not series:
        return [], []
    names = {k: json.dumps(k) for k in dict.fromkeys(series.keys)}
    return [names[k] for k in series.keys], json.dumps(series.values)[1:-1].split(", ")


def rest_series(points: Sequence[Metric]) -> bytes:
    """``GET /api/v1/executions/{ref}/metrics``: the points as a JSON list of objects."""
    series = _columns(points)
    keys, values = _encoded(series)
    return ("[" + ",".join(
        f'{{"key":{k},"value":{v},"step":{s},"timestamp":"{t}"}}'
        for k, v, s, t in zip(keys, values, series.steps, series.iso_timestamps(), strict=True)
    ) + "]").encode()


def mlflow_history(points: Sequence[Metric], page_token: Any, max_results: int) -> bytes:
    """MLflow's ``GetMetricHistory`` response: a page of ``metrics`` (times in epoch ms), the next page's token."""
    start = decode_token(page_token)
    series = _columns(points)[start : start + max_results]
    next_page_token = encode_token(start + max_results) if start + max_results < len(points) else None
    keys, values = _encoded(series)
    listed = ",".join(
        f'{{"key":{k},"value":{v},"timestamp":{t},"step":{s}}}'
        for k, v, s, t in zip(keys, values, series.steps, series.millis(), strict=True)
    )
    token = f',"next_page_token":{json.dumps(next_page_token)}' if next_page_token else ""
    return f'{{"metrics":[{listed}]{token}}}'.encode()
