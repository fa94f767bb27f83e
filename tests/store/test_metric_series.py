"""store.metrics returns the series as columns (MetricSeries): the same points, in the same order, as a list would."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from trailmark.entities import Metric, to_dict
from trailmark.store._series import MetricSeries

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def _logged(store) -> tuple[object, list[Metric]]:
    """A run with two keys, a step logged twice (the later point first) and whole and fractional seconds."""
    run = store.start_execution("Train", "series")
    points = [Metric("loss", 1.0 / (s + 1), s, T0 + timedelta(seconds=s, microseconds=250 * (s % 2)))
              for s in range(5)]
    points += [Metric("acc", 0.5, 3, T0 + timedelta(seconds=9)), Metric("acc", 0.25, 3, T0 + timedelta(seconds=8)),
               Metric("acc", 1e-07, 0, T0)]
    store.log_metric_points(run, points)
    expected = sorted(points, key=lambda p: (p.key, p.step, p.timestamp))
    return run, expected


def test_a_series_reads_like_the_list_of_its_points(store):
    run, expected = _logged(store)
    series = store.metrics(run)
    assert series == expected and len(series) == len(expected)
    assert [p for p in series] == expected and series[0] == expected[0] and series[-1] == expected[-1]
    assert [(p.key, p.step, p.value) for p in series][:3] == [("acc", 0, 1e-07), ("acc", 3, 0.25), ("acc", 3, 0.5)]
    assert all(p.timestamp.tzinfo is not None for p in series)
    loss = store.metrics(run, key="loss")
    assert loss == [p for p in expected if p.key == "loss"] and list(loss[1:3]) == expected[4:6]
    assert store.metrics(run, key="nothing") == [] and not store.metrics(run, key="nothing")


def test_every_store_keeps_the_columns(store):
    run, expected = _logged(store)
    series = store.metrics(run)
    assert isinstance(series, MetricSeries), "HttpStore too: from the JSON's columns, no Metric built"
    assert series.values == [p.value for p in expected] and series.steps == [p.step for p in expected]
    assert series.iso_timestamps() == [p.timestamp.isoformat() for p in expected]
    assert series.millis() == [round(p.timestamp.timestamp() * 1000) for p in expected]
    assert series != expected[:-1] and series != [*expected[:-1], Metric("loss", 0.0, 4, T0)]


def test_the_rest_and_mlflow_bodies_are_what_json_would_write(store):
    from trailmark.server._series_json import mlflow_history, rest_series

    run, expected = _logged(store)
    series = store.metrics(run)
    assert json.loads(rest_series(series)) == json.loads(json.dumps([to_dict(p) for p in expected]))
    assert rest_series(series) == rest_series(list(series)) and rest_series([]) == b"[]"
    loss = [p for p in expected if p.key == "loss"]
    first = json.loads(mlflow_history(store.metrics(run, key="loss"), None, 3))
    assert first["metrics"] == [{"key": "loss", "value": p.value, "timestamp": round(p.timestamp.timestamp() * 1000),
                                 "step": p.step} for p in loss[:3]]
    rest = json.loads(mlflow_history(store.metrics(run, key="loss"), first["next_page_token"], 3))
    assert [m["step"] for m in rest["metrics"]] == [3, 4] and "next_page_token" not in rest


def test_latest_metrics_of_several_runs_in_the_order_asked(store):
    run, _ = _logged(store)
    other, empty = store.start_execution("Train", "other"), store.start_execution("Train", "empty")
    store.log_metrics(other, {"loss": 9.0}, step=0)
    assert store.latest_metrics_of([other, run, empty, other.ref]) == [
        {"loss": 9.0}, {"acc": 0.5, "loss": 0.2}, {}, {"loss": 9.0}]
    assert store.latest_metrics(run) == {"acc": 0.5, "loss": 0.2} and store.latest_metrics_of([]) == []
