"""The server's side of automation: /metrics, who may force a gate or add hooks, delivery across a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import trailmark as tm
from tests.automation.conftest import Receiver, free_port, make_model, wait_for
from tests.conftest import needs_server

pytestmark = needs_server


@pytest.fixture
def own_server(tmp_path):
    """(URL, database URI) of a server of its own, in a thread (so /metrics counts only this test)."""
    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    uri = f"sqlite:///{tmp_path / 'served.db'}"
    with serve_in_thread(create_app(uri)) as url:
        yield url, uri


def test_metrics_count_requests_and_show_the_store(own_server, receiver):
    import httpx

    url, _ = own_server
    with tm.connect(url) as store:
        store.webhooks.add(receiver.url, events=["run.completed"])
        store.end_execution(store.start_execution("Train", "t"))
        store.start_execution("Train", "still-running")
        wait_for(lambda: receiver.events("run.completed"))
        with pytest.raises(tm.NotFoundError):
            store.get("exec:999")
    delivered = 'trailmark_webhook_deliveries{state="delivered"} 1.0'
    assert wait_for(lambda: delivered in httpx.get(url + "/metrics", timeout=30).text)  # recorded after the send
    response = httpx.get(url + "/metrics", timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'trailmark_http_requests_total{method="POST",route="/api/v1/executions",status="200"} 2.0' in text
    assert 'route="/api/v1/nodes/{ref:path}",status="404"' in text
    assert "trailmark_http_request_duration_seconds_bucket" in text
    assert 'trailmark_runs{project="default",status="COMPLETE"} 1.0' in text
    assert 'trailmark_runs{project="default",status="RUNNING"} 1.0' in text
    assert 'trailmark_webhook_deliveries{state="delivered"} 1.0' in text
    assert 'trailmark_webhook_deliveries{state="pending"} 0.0' in text


def test_metrics_show_the_latest_drift_per_column(own_server):
    import httpx

    pd = pytest.importorskip("pandas")
    from trailmark.capture import describe_dataset

    url, _ = own_server
    frame = pd.DataFrame({"size": [float(i % 50) for i in range(500)]})
    with tm.connect(url) as store:
        described = describe_dataset(frame)
        run = store.start_execution("Train", "t")
        data = store.log_artifact("Dataset", "d", digest=described.digest, properties=described.properties)
        model = store.log_artifact("Model", "m", uri="s3://m/1", digest="sha256:" + "5" * 64)
        store.link(run, inputs=[data], outputs=[model])
        store.end_execution(run)
        store.models.deploy(model.ref, endpoint="https://x.invalid")
        store.monitor("deployment:m", frame + 100)
    text = httpx.get(url + "/metrics", timeout=30).text
    line = next(x for x in text.splitlines() if x.startswith("trailmark_drift_statistic{") and 'test="psi"' in x)
    assert 'deployment="m"' in line and 'column="size"' in line and float(line.rsplit(" ", 1)[1]) > 1
    assert 'trailmark_drift_threshold{column="size",deployment="m",project="default",test="psi"} 0.2' in text


def test_only_admins_force_a_gate_or_add_hooks(tmp_path):
    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    uri = f"sqlite:///{tmp_path / 'auth.db'}"
    with tm.connect(uri) as admin_store:
        for user, role in (("ana", "admin"), ("ed", "editor")):
            admin_store.add_user(user)
            admin_store.add_member("default", user, role)
        tokens = {user: admin_store.create_token(user).token for user in ("ana", "ed")}
    with serve_in_thread(create_app(uri)) as url:
        with tm.connect(url, token=tokens["ed"]) as ed, tm.connect(url, token=tokens["ana"]) as ana:
            for rmse in (28000.0, 31000.0):
                make_model(ed, rmse)
            ana.models.protect("house-price-rf", "production", metric="rmse")
            ed.models.set_alias("house-price-rf", "production", version=1)
            with pytest.raises(tm.GateFailedError, match="may not become 'production'"):
                ed.models.set_alias("house-price-rf", "production", version=2)
            with pytest.raises(tm.PermissionDeniedError):
                ed.models.set_alias("house-price-rf", "production", version=2, force=True)
            with pytest.raises(tm.PermissionDeniedError):
                ed.webhooks.add("https://ci.example/hook", events=["alias.moved"])
            with pytest.raises(tm.PermissionDeniedError):
                ed.models.protect("house-price-rf", "staging", metric="rmse")
            ana.models.set_alias("house-price-rf", "production", version=2, force=True)
            assert ana.get("model:house-price-rf@production").version == 2
            (move,) = [m for m in ana.models.alias_history("house-price-rf", "production") if m.version == 2]
            assert move.set_by == "ana"


def _start_server(uri: str, port: int, log, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "trailmark", "--uri", uri, "server", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env={**os.environ, **env},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with tm.connect(f"http://127.0.0.1:{port}"):
                return process
        except tm.TrailmarkError:
            assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)


@pytest.mark.slow
def test_a_server_killed_mid_delivery_delivers_after_restart(tmp_path, store_uri):
    receiver = Receiver()
    receiver.hang.set()  # the first request never gets its answer
    env = {"TRAILMARK_WEBHOOK_TIMEOUT": "1", "TRAILMARK_WEBHOOK_BACKOFF": "0.2"}  # a claim then lasts 4 s
    port = free_port()
    with (tmp_path / "server.log").open("wb") as log:
        first = _start_server(store_uri, port, log, env)
        try:
            with tm.connect(f"http://127.0.0.1:{port}") as store:
                hook = store.webhooks.add(receiver.url, events=["run.completed"], secret="k")
                run = store.end_execution(store.start_execution("Train", "t"))
            assert wait_for(lambda: receiver.events("run.completed")), "the first server began to send"
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
        receiver.hang.clear()
        second = _start_server(store_uri, port, log, env)
        try:
            got = wait_for(lambda: len(receiver.events("run.completed")) >= 2, timeout=30)
            with tm.connect(f"http://127.0.0.1:{port}") as store:
                deliveries = wait_for(lambda: [d for d in store.webhooks.deliveries(hook.id)
                                               if d.state == "delivered"])
        finally:
            second.terminate()
            second.wait(timeout=30)
            receiver.stop()
    assert got, "the delivery the killed server left behind was sent after the restart"
    first_try, retry = receiver.bodies("run.completed")[:2]
    assert first_try["id"] == retry["id"] and retry["subject"] == run.ref, "the same delivery, sent again"
    assert deliveries[0].attempts >= 1 and deliveries[0].status_code == 200
