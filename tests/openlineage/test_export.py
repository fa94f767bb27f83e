"""Executions out as OpenLineage RunEvents, and back in through the server."""

from __future__ import annotations

import hashlib
import uuid

import pytest

import trailmark as tm
from tests.conftest import needs_server
from trailmark.openlineage import run_events


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _train(store, status="COMPLETE"):
    raw = store.log_artifact("Dataset", "raw", "s3://bucket/raw.csv", digest=_sha(b"raw"))
    train = store.start_execution("Train", "train", params={"depth": 3})
    model = store.log_artifact("Model", "rf", digest=_sha(b"rf"))
    store.link(train, inputs=[raw], outputs=[model])
    if status:
        store.end_execution(train, status=status, error="ValueError: boom" if status == "FAILED" else None)
    return raw, train, model


def test_an_execution_is_a_start_and_a_complete_event(store):
    raw, train, _ = _train(store)
    start, complete = run_events(store, train.ref)
    assert (start["eventType"], complete["eventType"]) == ("START", "COMPLETE")
    assert start["run"]["runId"] == complete["run"]["runId"] == str(uuid.UUID(start["run"]["runId"]))
    assert start["job"] == complete["job"]
    assert start["job"]["name"] == "train" and start["job"]["facets"]["jobType"]["jobType"] == "Train"
    assert start["run"]["runId"] == str(uuid.UUID(hex=train.uid))
    assert [(d["namespace"], d["name"]) for d in start["inputs"]] == [("s3://bucket", "raw.csv")]
    assert start["outputs"] == []
    assert [(d["namespace"], d["name"]) for d in complete["outputs"]] == [(f"trailmark://{store.project}", "rf")]
    assert complete["inputs"][0]["facets"]["version"]["datasetVersion"] == raw.digest
    assert complete["run"]["facets"]["trailmark"]["params"] == {"depth": 3}
    assert run_events(store, train.ref) == [start, complete]  # stable: exporting twice gives the same events


def test_failed_and_running_executions(store):
    _, failed, _ = _train(store, status="FAILED")
    assert [e["eventType"] for e in run_events(store, failed)] == ["START", "FAIL"]
    assert run_events(store, failed)[1]["run"]["facets"]["errorMessage"]["message"] == "ValueError: boom"
    running = store.start_execution("Train", "still")
    assert [e["eventType"] for e in run_events(store, running)] == ["START"]


def test_only_executions_are_exported(store):
    raw, _, _ = _train(store)
    with pytest.raises(tm.ValidationError, match="takes an execution"):
        run_events(store, raw.ref)


@needs_server
def test_round_trip_through_the_server(live_server):
    import httpx

    with tm.connect(live_server, project="ol-out-" + uuid.uuid4().hex[:8]) as source, \
            tm.connect(live_server, project="ol-in-" + uuid.uuid4().hex[:8]) as target:
        _, train, _ = _train(source)
        for event in run_events(source, train):
            response = httpx.post(live_server + "/api/v1/lineage", json=event,
                                  headers={"X-Trailmark-Project": target.project})
            assert response.status_code == 200, response.text
        (copy,) = target.search("", kind="executions")
        assert (copy.type, copy.status) == ("Train", "COMPLETE")
        graph = target.lineage(copy, direction="both")
        assert sorted(a.name for a in graph.artifacts()) == ["raw.csv", "rf"]
        # An execution that came in through OpenLineage goes out as it came.
        again = run_events(target, copy)
        assert [e["run"]["runId"] for e in again] == [e["run"]["runId"] for e in run_events(source, train)]
        assert again[1]["outputs"][0]["facets"]["version"]["datasetVersion"] == _sha(b"rf")

