"""``/metrics`` in the Prometheus text format (prometheus-client).

Request counts and latencies are counted per process; with several workers ``trailmark
server`` points ``PROMETHEUS_MULTIPROC_DIR`` at a shared folder and every worker's counts
are summed at scrape time. Figures about the store itself (runs by status, the webhook
outbox, the latest drift statistics) are read from the database when scraped, so any
worker answers the same.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from trailmark.store.sql import _session
from trailmark.store.sql._figures import failed_attempts, latest_drift, runs_by_status, webhook_backlog

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class _Requests:
    """The request metrics of this process (one set per app, so apps in one test process do not clash)."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.count = Counter("trailmark_http_requests_total", "HTTP requests by route, method and status.",
                             ["route", "method", "status"], registry=registry)
        self.latency = Histogram("trailmark_http_request_duration_seconds", "HTTP request latency by route.",
                                 ["route", "method"], registry=registry)


class MetricsMiddleware:
    """Count every request by its route's path template (not the raw path: ids would explode the labels)."""

    def __init__(self, app: ASGIApp, requests: _Requests) -> None:
        self.app = app
        self.requests = requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or "unmatched"
            self.requests.count.labels(label, scope["method"], str(status["code"])).inc()
            self.requests.latency.labels(label, scope["method"]).observe(time.perf_counter() - started)


class StoreCollector(Collector):
    """Figures read from the store at scrape time."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        store = getattr(self.app.state, "store", None)
        if store is None:
            return
        runs = GaugeMetricFamily("trailmark_runs", "Executions by project and status.", labels=["project", "status"])
        backlog = GaugeMetricFamily("trailmark_webhook_deliveries", "Webhook deliveries by state (pending: backlog).",
                                    labels=["state"])
        failures = GaugeMetricFamily("trailmark_webhook_failed_attempts", "Webhook attempts without a 2xx answer.")
        drift = GaugeMetricFamily("trailmark_drift_statistic", "Latest drift statistic per deployment and column.",
                                  labels=["project", "deployment", "column", "test"])
        threshold = GaugeMetricFamily("trailmark_drift_threshold", "Its threshold.",
                                      labels=["project", "deployment", "column", "test"])
        with _session.read(store.engine) as conn:
            for (project, status), count in runs_by_status(conn).items():
                runs.add_metric([project, status], count)
            for state in ("pending", "delivered", "failed"):
                backlog.add_metric([state], webhook_backlog(conn).get(state, 0))
            failures.add_metric([], failed_attempts(conn))
            for figure in latest_drift(conn):
                labels = [figure.project, figure.deployment, figure.column, figure.test]
                drift.add_metric(labels, figure.statistic)
                threshold.add_metric(labels, figure.threshold)
        yield from (runs, backlog, failures, drift, threshold)


def install(app: FastAPI) -> None:
    """Count requests and serve ``GET /metrics``."""
    multiprocess = bool(os.environ.get(MULTIPROC_ENV))
    own = CollectorRegistry()  # in multiprocess mode the counts go to files in that folder instead
    app.add_middleware(MetricsMiddleware, requests=_Requests(None if multiprocess else own))

    def registry() -> CollectorRegistry:
        found = CollectorRegistry()
        if multiprocess:
            from prometheus_client import multiprocess as mp

            mp.MultiProcessCollector(found)  # type: ignore[no-untyped-call]  # prometheus-client ships it untyped
        else:
            found.register(_Forward(own))
        found.register(StoreCollector(app))
        return found

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)


class _Forward(Collector):
    """The metrics of another registry, collected into the one being scraped."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()
