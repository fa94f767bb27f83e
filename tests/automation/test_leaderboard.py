"""Leaderboards and deployment health, on every backend."""

from __future__ import annotations

import http.server
import threading

import pytest

import trailmark as tm


def test_runs_of_one_experiment_are_ranked_by_their_latest_value(store):
    for name, values in (("a", [40.0, 30.0]), ("b", [25.0]), ("c", [20.0, 28.0])):
        with store.run(name, type="Train", experiment="house-prices") as run:
            for step, value in enumerate(values):
                run.log_metric("rmse", value, step=step)
    with store.run("elsewhere", type="Train", experiment="churn") as run:
        run.log_metric("rmse", 1.0)
    with pytest.raises(RuntimeError), store.run("crashed", type="Train", experiment="house-prices") as run:
        run.log_metric("rmse", 0.5)
        raise RuntimeError("out of memory")

    board = store.leaderboard("house-prices", metric="rmse", direction="min", limit=10)
    assert [(e.name, v) for e, v in board] == [("b", 25.0), ("c", 28.0), ("a", 30.0)], "latest step, failed left out"
    assert [e.name for e, _ in store.leaderboard("house-prices", metric="rmse", direction="max", limit=1)] == ["a"]


def test_bad_leaderboard_requests_are_refused(store):
    with store.run("a", type="Train", experiment="house-prices") as run:
        run.log_metric("rmse", 1.0)
    with pytest.raises(tm.NotFoundError, match="no experiment 'nope'"):
        store.leaderboard("nope", metric="rmse")
    with pytest.raises(tm.ValidationError, match="not a metric name"):
        store.leaderboard("house-prices", metric="rmse' or 1=1 --")
    with pytest.raises(tm.ValidationError, match="direction"):
        store.leaderboard("house-prices", metric="rmse", direction="best")
    with pytest.raises(tm.ValidationError, match="limit"):
        store.leaderboard("house-prices", metric="rmse", limit=0)
    assert store.leaderboard("house-prices", metric="mae") == []


def _deployment(store, endpoint):
    run = store.start_execution("Train", "t")
    model = store.log_artifact("Model", "hp", uri="s3://m/1", digest="sha256:" + "3" * 64)
    store.link(run, outputs=[model])
    store.end_execution(run)
    return store.models.deploy(model.ref, endpoint=endpoint, health="healthy")


def test_health_is_a_series_of_checks_not_new_versions(store):
    deployment = _deployment(store, "https://models.example.invalid/hp")
    store.models.record_health(deployment, "healthy", latency_ms=12.5)
    store.models.record_health("deployment:hp", "unhealthy", latency_ms=900.0, detail="HTTP 503")
    checks = store.models.health("deployment:hp")
    assert [(c.status, c.latency_ms, c.detail) for c in checks] == [("healthy", 12.5, None),
                                                                   ("unhealthy", 900.0, "HTTP 503")]
    assert [a.version for a in store.versions("Deployment", "hp")] == [1]
    assert len(store.models.health("deployment:hp", limit=1)) == 1
    with pytest.raises(tm.ValidationError, match="latency_ms"):
        store.models.record_health(deployment, "healthy", latency_ms=-1)
    with pytest.raises(tm.ValidationError, match="health status"):
        store.models.record_health(deployment, "")
    with pytest.raises(tm.ValidationError, match="not a deployment"):
        store.models.record_health("model:hp@1", "healthy")
    assert len(store.models.health(deployment)) == 2


def test_check_probes_each_deployment_once(store):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200 if self.path == "/ok" else 500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        _deployment(store, base + "/ok")
        run = store.start_execution("Train", "t2")
        other = store.log_artifact("Model", "other", uri="s3://m/2", digest="sha256:" + "4" * 64)
        store.link(run, outputs=[other])
        store.end_execution(run)
        store.models.deploy(other.ref, endpoint=base + "/predict", properties={"health_url": base + "/broken"})
        checks = {c.deployment: c for c in store.models.check_deployments()}
    finally:
        server.shutdown()
        server.server_close()
    assert sorted(hits) == ["/broken", "/ok"]
    assert checks["hp"].status == "healthy" and checks["hp"].latency_ms is not None
    assert checks["other"].status == "unhealthy" and "500" in checks["other"].detail
    assert [c.status for c in store.models.health("deployment:other")] == ["unhealthy"]
