"""START, RUNNING and COMPLETE of one runId sent at once, through ``trailmark server --workers 2``.

Eight threads, thirty runs: exactly one execution per runId, none left RUNNING, no 409.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

import trailmark as tm
from tests.server.test_concurrency import served  # noqa: F401  (the server fixture)

RUNS = 30
THREADS = 8
PROJECT = "ol-load"


def _event(state: str, run_id: str, job: str) -> dict:
    dataset = {"namespace": "s3://load", "name": f"out-{job}"}
    return {
        "eventType": state, "eventTime": "2026-05-01T10:00:00Z", "producer": "https://example.invalid/load",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run_id, "facets": {}}, "job": {"namespace": "load", "name": job, "facets": {}},
        "inputs": [{"namespace": "s3://load", "name": "shared-input"}], "outputs": [dataset],
    }


@pytest.mark.slow
def test_one_execution_per_run_id_under_several_workers(served):  # noqa: F811
    url, process, log = served
    with tm.connect(url, project=PROJECT):
        pass  # creates the project
    events = [(_event(state, run_id, f"job-{n}"))
              for n, run_id in enumerate(str(uuid.uuid4()) for _ in range(RUNS))
              for state in ("START", "RUNNING", "COMPLETE")]
    barrier = threading.Barrier(THREADS)
    local = threading.local()
    clients: list[httpx.Client] = []

    def send(event: dict) -> int:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, headers={"X-Trailmark-Project": PROJECT}, timeout=120)
            clients.append(local.client)
            barrier.wait(timeout=60)
        return local.client.post("/api/v1/lineage", json=event).status_code

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            codes = list(pool.map(send, events))
    finally:
        for client in clients:
            client.close()
    assert codes == [200] * len(events), sorted(set(codes))

    with tm.connect(url, project=PROJECT) as store:
        executions = store.search("", kind="executions", limit=1000).items
        assert len(executions) == RUNS
        assert {e.status for e in executions} == {tm.Status.COMPLETE}
        assert len({e.params["openlineage.runId"] for e in executions}) == RUNS
        assert [a.version for a in store.versions("Dataset", "shared-input")] == [1]
        for n in range(RUNS):
            assert [a.version for a in store.versions("Dataset", f"out-job-{n}")] == [1]
        assert store.openlineage_event_count() == 3 * RUNS
    process.terminate()
    process.wait(timeout=30)
    output = log.read_text()
    assert "Traceback" not in output and "database is locked" not in output
