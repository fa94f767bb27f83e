"""A real HTTP receiver on loopback for webhook tests, and small builders of models and deployments."""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest


class Receiver:
    """Records every POST; answers ``status`` (503 while ``failures`` last), or hangs while ``hang`` is set."""

    def __init__(self, port: int = 0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.failures = 0
        self.hang = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (the name http.server calls)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                while receiver.hang.is_set():
                    time.sleep(0.05)
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(503 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self, name: str) -> list[dict[str, Any]]:
        return [r for r in list(self.requests) if r["headers"].get("x-trailmark-event") == name]

    def bodies(self, name: str) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.events(name)]

    def stop(self) -> None:
        self.hang.clear()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
    """The first truthy value of ``predicate()`` within ``timeout`` seconds (or its last falsy one)."""
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def make_model(store: Any, rmse: float | None, *, name: str = "house-price-rf", metric: str = "rmse") -> Any:
    """A Model version written by a Train run that logged ``metric`` = ``rmse`` (None: logged nothing)."""
    e = store.start_execution("Train", f"train-{rmse}", context="house-prices")
    m = store.log_artifact("Model", name, uri=f"s3://models/{name}/{rmse}.bin", digest=None,
                           properties={"rmse": rmse})
    store.link(e, outputs=[m])
    if rmse is not None:
        store.log_metrics(e, {metric: rmse}, step=0)
    store.end_execution(e)
    return m
