"""HttpStore's metric reads: a series from the JSON's columns, and the latest values of several runs in one request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import trailmark as tm
from tests.server.live import serve_in_thread
from trailmark.server import create_app
from trailmark.store._series import MetricSeries


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, list[str]]]:
    """A real server on loopback and the paths of the metric requests it answered."""
    app = create_app(f"sqlite:///{tmp_path / 'trailmark.db'}")
    paths: list[str] = []

    @app.middleware("http")
    async def record(request, call_next):
        if "metrics" in request.url.path:
            paths.append(request.url.path)
        return await call_next(request)

    with serve_in_thread(app) as url:
        yield url, paths


def test_latest_metrics_of_a_page_of_runs_is_one_request(served):
    url, paths = served
    with tm.connect(url) as store:
        runs = [store.start_execution("Train", f"run-{i}") for i in range(30)]
        for i, run in enumerate(runs):
            store.log_metrics(run, {"loss": 1.0 / (i + 1)}, step=i)
        paths.clear()
        assert store.latest_metrics_of(runs) == [{"loss": 1.0 / (i + 1)} for i in range(30)]
        assert paths == ["/api/v1/metrics/latest"]
        series = store.metrics(runs[3])
        assert isinstance(series, MetricSeries) and series.values == [0.25] and series[0].step == 3
