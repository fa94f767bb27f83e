"""HttpStore's transport: tokens, retries, unreachable servers and foreign responses."""

from __future__ import annotations

import socket
import uuid
from datetime import datetime, timezone

import httpx
import pytest

import trailmark as tm
from trailmark.store.http import HttpStore, _transport


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(_transport, "BACKOFF_SECONDS", 0.0)


@pytest.fixture
def recording_server():
    """A server that records each request's headers and answers from ``answers`` (path -> response)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from tests.server.live import serve_in_thread

    seen: list[dict[str, str]] = []
    answers: dict[str, Response] = {}

    async def handle(request: Request) -> Response:
        seen.append(dict(request.headers))
        path = request.url.path
        if path.startswith("/api/v1/projects/"):
            return JSONResponse({"name": path.rsplit("/", 1)[1]})
        return answers.get(path, JSONResponse({"error": {"code": "not_found", "message": "nothing"}}, status_code=404))

    app = Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "POST", "PUT"])])
    with serve_in_thread(app) as url:
        yield url, seen, answers


def test_token_from_argument_or_environment(recording_server, monkeypatch):
    url, seen, _ = recording_server
    HttpStore(url, token="from-argument").close()
    monkeypatch.setenv("TRAILMARK_TOKEN", "from-env")
    HttpStore(url, project="p").close()
    monkeypatch.delenv("TRAILMARK_TOKEN")
    HttpStore(url).close()
    assert [h.get("authorization") for h in seen] == ["Bearer from-argument", "Bearer from-env", None]
    assert [h["x-trailmark-project"] for h in seen] == ["default", "p", "default"]


def test_foreign_and_unknown_errors(recording_server):
    from starlette.responses import HTMLResponse, JSONResponse

    url, _, answers = recording_server
    answers["/api/v1/nodes/dataset:a"] = HTMLResponse("<h1>Bad Gateway</h1>", status_code=502)
    answers["/api/v1/nodes/dataset:b"] = JSONResponse({"error": {"code": "permission", "message": "read only"}}, 403)
    answers["/api/v1/nodes/dataset:c"] = JSONResponse({"error": {"code": "brand_new", "message": "later"}}, 418)
    with HttpStore(url) as store:
        with pytest.raises(tm.TrailmarkError, match="502 Bad Gateway without a Trailmark error.*Trailmark server"):
            store.get("dataset:a")
        with pytest.raises(tm.PermissionDeniedError, match="read only"):
            store.get("dataset:b")
        with pytest.raises(tm.TrailmarkError, match="later") as info:
            store.get("dataset:c")
        assert type(info.value) is tm.TrailmarkError


def test_unreachable_server_names_the_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(tm.TrailmarkError, match=f"cannot reach the Trailmark server at http://127.0.0.1:{port}"):
            tm.connect(f"http://127.0.0.1:{port}")


def _flaky(failures: list[type[Exception]]):
    """A mock transport failing with each of ``failures`` in turn, then answering 200 ``{}``."""
    calls: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]("boom", request=request)
        return httpx.Response(200, json={})

    return httpx.MockTransport(handle), calls


@pytest.mark.parametrize(
    "method, failure, sent",
    [
        ("GET", httpx.ReadError, 3),  # idempotent: retried
        ("POST", httpx.ConnectError, 3),  # never left: retried
        ("POST", httpx.ConnectTimeout, 3),
    ],
)
def test_retries(method, failure, sent):
    mock, calls = _flaky([failure, failure])
    transport = _transport.Transport("http://test", project="p", token=None, timeout=1)
    transport.client = httpx.Client(base_url="http://test", transport=mock)
    assert transport.request(method, "/x") == {}
    assert len(calls) == sent


def test_a_write_that_may_have_happened_is_not_resent():
    mock, calls = _flaky([httpx.ReadError])
    transport = _transport.Transport("http://test", project="p", token=None, timeout=1)
    transport.client = httpx.Client(base_url="http://test", transport=mock)
    with pytest.raises(tm.TrailmarkError, match="may or may not have been stored"):
        transport.request("POST", "/x")
    assert calls == ["POST"]


def test_metric_points_go_up_in_batches(live_server):
    with tm.connect(live_server, project="batch-" + uuid.uuid4().hex[:8]) as store:
        execution = store.start_execution("Train", "t")
        sent: list[str] = []
        store._transport.client.event_hooks["request"].append(lambda request: sent.append(request.url.path))
        now = datetime.now(timezone.utc)
        store.log_metric_points(execution, [tm.Metric("loss", float(i), i, now) for i in range(25_000)])
        assert sent == [f"/api/v1/executions/{execution.id}/metrics"] * 3
        assert len(store.metrics(execution, key="loss")) == 25_000


@pytest.mark.parametrize(("url", "plain"), [
    ("http://127.0.0.1:5000", True), ("http://localhost:5000", True), ("http://[::1]:5000", True),
    ("http://127.1.2.3", True), ("https://trailmark.example.com", False), ("http://10.0.0.7:5000", False),
])
def test_a_server_on_loopback_is_asked_for_uncompressed_answers(url, plain):
    transport = _transport.Transport(url, project="p", token=None, timeout=1.0)
    try:
        accepted = transport.client.headers.get("Accept-Encoding", "")
        assert (accepted == "identity") is plain and (plain or "gzip" in accepted)
    finally:
        transport.close()
