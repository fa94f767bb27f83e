"""Bounded inputs over REST: request bodies (after decompression), JSON depth, query values; and the cost of a run."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import time

import httpx
import pytest

import trailmark as tm
from tests.server.conftest import error_of
from tests.server.live import serve_in_thread
from trailmark.server import create_app
from trailmark.store import _validate

JSON = {"content-type": "application/json"}


def _deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def _count(api) -> int:
    return len(api.get("/search", params={"kind": "artifacts", "limit": 1000}).json()["items"])


def test_a_gzip_bomb_is_refused_after_the_limit_not_inflated_whole(api):
    body = b'{"type":"Dataset","name":"bomb","uri":"s3://b","properties":{"k":"' + b"a" * (64 << 20) + b'"}}'
    bomb = gzip.compress(body)
    assert len(bomb) < 100_000
    response = api.post("/artifacts", content=bomb, headers={**JSON, "content-encoding": "gzip"})
    assert "larger than 16 MiB after decompression" in error_of(response, 413, "invalid")
    assert _count(api) == 0


def test_a_plain_body_past_the_limit_is_refused(api, monkeypatch):
    monkeypatch.setattr(_validate.LIMITS, "body_bytes", 10_000)
    big = {"type": "Dataset", "name": "big", "uri": "s3://b", "properties": {"k": "a" * 20_000}}
    assert "larger than 0.00954 MiB" in error_of(api.post("/artifacts", json=big), 413, "invalid")

    def chunks():  # no Content-Length: counted as it streams
        yield json.dumps(big).encode()

    assert error_of(api.post("/artifacts", content=chunks(), headers=JSON), 413, "invalid")
    small = {"type": "Dataset", "name": "small", "uri": "s3://b"}
    assert api.post("/artifacts", content=gzip.compress(json.dumps(small).encode()),
                    headers={**JSON, "content-encoding": "gzip"}).status_code == 200
    assert _count(api) == 1


def test_a_truncated_gzip_body_is_refused(api):
    truncated = gzip.compress(b'{"type":"Dataset","name":"t","uri":"s3://b"}')[:-10]
    message = error_of(api.post("/artifacts", content=truncated, headers={**JSON, "content-encoding": "gzip"}),
                       400, "invalid")
    assert "gzip" in message


@pytest.mark.parametrize("levels", [300, 900])
def test_deep_json_is_refused_and_not_stored(api, levels):
    for path, field in (("/executions", "environment"), ("/executions", "params"), ("/artifacts", "properties")):
        kind = "Train" if path == "/executions" else "Dataset"
        body = f'{{"type":"{kind}","name":"deep","uri":"s3://x","{field}":{_deep(levels)}}}'
        if path == "/executions":
            body = f'{{"type":"{kind}","name":"deep","{field}":{_deep(levels)}}}'
        assert "nests more than 64 levels" in error_of(api.post(path, content=body, headers=JSON), 400, "invalid")
    assert api.get("/search", params={"kind": "executions"}).json()["items"] == []
    assert api.get("/ui/runs").status_code == 200


def test_json_too_deep_to_decode_is_a_400_that_says_so(api):
    body = '{"type":"Train","name":"deep","params":' + _deep(5000) + "}"
    assert "nested at most 64 levels" in error_of(api.post("/executions", content=body, headers=JSON), 400, "invalid")


def test_hostile_query_values(api):
    a = api.post("/artifacts", json={"type": "Dataset", "name": "q", "uri": "s3://q"}).json()
    assert error_of(api.get(f"/lineage/{a['ref']}", params={"depth": "²"}), 400, "invalid")
    assert error_of(api.get("/search", params={"filter": "not " * 1200 + "name = 'x'"}), 400, "filter_syntax")
    assert error_of(api.get("/search", params={"page_token": "eyJmb3JnZWQiOiAxfQ=="}), 400, "invalid")
    assert "out of range" in error_of(api.get("/search", params={"filter": "created > now() - 3000000d"}),
                                      400, "invalid")


def test_a_batch_names_only_earlier_results(api):
    body = {"operations": [{"op": "end_execution", "execution": {"result": 0}}]}
    assert "not an earlier artifact or execution" in error_of(api.post("/batch", json=body), 400, "invalid")
    body = {"operations": [{"op": "nope"}]}
    assert error_of(api.post("/batch", json=body), 400, "invalid")


class _Counting:
    """An ASGI app that counts the HTTP requests reaching the app it wraps."""

    def __init__(self, app) -> None:
        self.app, self.paths = app, []

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            self.paths.append(f"{scope['method']} {scope['path']}")
        await self.app(scope, receive, send)


def test_a_run_over_http_costs_a_handful_of_requests(tmp_path):
    counting = _Counting(create_app(f"sqlite:///{tmp_path / 'counted.db'}"))
    with serve_in_thread(counting) as url, tm.connect(url) as store:
        counting.paths.clear()
        with store.run("counted", type="Train", params={"a": 1}) as run:
            run.log_params({"b": 2, "c": 3})
            for key in "defghij":
                run.log_param(key, key)
                run.set_tag(f"tag.{key}", key)
            run.log_input("s3://bucket/train.csv", name="train")
            for step in range(50):
                run.log_metric("loss", 1.0 / (step + 1), step=step)
            run.log_output("s3://bucket/preds.csv", name="preds")
        made = list(counting.paths)
        stored, tagged = store.get(run.execution.ref), store.tags(run.execution)
    assert stored.status == "COMPLETE" and set(stored.params) == {"a", "b", "c", *"defghij"}
    assert tagged == {f"tag.{key}": key for key in "defghij"}
    assert len(store_metrics := [p for p in made if "/metrics" in p]) <= 1, store_metrics
    # start, one batch per artifact logged, the end with the last points, params and tags (at most one flush)
    assert len(made) <= 5, made


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_trailmark_server_takes_its_limits_from_the_command_line(tmp_path):
    port = _free_port()
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "trailmark", "server", "--uri", f"sqlite:///{tmp_path / 's.db'}", "--port",
               str(port), "--max-body-mb", "0.01", "--max-value-mb", "0.001"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/health")
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        artifact = {"type": "Dataset", "name": "v", "uri": "s3://v", "properties": {"k": "a" * 2000}}
        assert "a value may hold" in error_of(httpx.post(base + "/artifacts", json=artifact), 400, "invalid")
        artifact["properties"] = {"k": "a" * 20_000}
        assert "larger than 0.01 MiB" in error_of(httpx.post(base + "/artifacts", json=artifact), 413, "invalid")
    finally:
        process.terminate()
        process.wait(timeout=30)
