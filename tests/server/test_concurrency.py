"""Eight clients writing at once through ``trailmark server --workers 2``: no write lost, no 5xx."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import trailmark as tm
from tests.cli.test_server import free_port
from tests.conftest import SQL_BACKENDS

_logger = logging.getLogger(__name__)

CLIENTS = 8
ROUNDS = 20
POINTS = 10


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(params=SQL_BACKENDS)
def served(request, tmp_path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """Base URL of ``trailmark server --workers 2`` over a fresh database, its process and its log."""
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'served.db'}"
    else:
        uri = request.getfixturevalue("postgres_uri")
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:  # a file, not a pipe: a full pipe would stall the server's logging
        process = subprocess.Popen(
            [sys.executable, "-m", "trailmark", "server", "--uri", uri, "--port", str(port), "--workers", "2"],
            stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=tmp_path,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url, process, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _client(url: str, number: int, statuses: list[int], failures: list[Exception]) -> None:
    try:
        with tm.connect(url, project="load") as store:
            store._transport.client.event_hooks["response"].append(lambda r: statuses.append(r.status_code))
            for round in range(ROUNDS):
                shared = store.log_artifact("Dataset", "shared", digest=_sha(f"shared-{round}"))
                own = store.log_artifact("Dataset", f"own-{number}", digest=_sha(f"own-{number}-{round}"))
                execution = store.start_execution("Train", f"client-{number}", params={"round": round})
                model = store.log_artifact("Model", "m", digest=_sha(f"model-{number}-{round}"))
                store.link(execution, inputs=[shared, own], outputs=[model])
                store.log_metric_points(execution, [
                    tm.Metric("loss", 1.0 / (step + 1), step, shared.created_at) for step in range(POINTS)
                ])
                store.end_execution(execution)
    except Exception as exc:  # reported by the test, with every other client's
        failures.append(exc)


def test_eight_clients_two_workers(served):
    url, process, log = served
    statuses: list[int] = []
    failures: list[Exception] = []
    threads = [threading.Thread(target=_client, args=(url, n, statuses, failures)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.monotonic() - started
    assert not failures, failures
    assert statuses and max(statuses) < 500
    _logger.info("%d requests in %.1f s: %.0f per second", len(statuses), elapsed, len(statuses) / elapsed)

    with tm.connect(url, project="load") as store:
        shared = store.versions("Dataset", "shared")
        assert [a.version for a in shared] == list(range(1, ROUNDS + 1))
        assert len({a.digest for a in shared}) == ROUNDS
        for number in range(CLIENTS):
            assert [a.version for a in store.versions("Dataset", f"own-{number}")] == list(range(1, ROUNDS + 1))
        models = store.versions("Model", "m")
        assert [a.version for a in models] == list(range(1, CLIENTS * ROUNDS + 1))
        executions = store.search("", kind="executions", limit=1000).items
        assert len(executions) == CLIENTS * ROUNDS and {e.status for e in executions} == {tm.Status.COMPLETE}
        for execution in executions[:: ROUNDS // 2]:
            assert len(store.metrics(execution)) == POINTS
            assert len(store.lineage(execution, direction="both").edges) == 3
    process.terminate()
    process.wait(timeout=30)
    output = log.read_text()
    assert output.count("Started server process") == 2, output
    assert "Traceback" not in output and "database is locked" not in output
