"""``trailmark export REF --format openlineage``."""

from __future__ import annotations

import json

import trailmark as tm
from tests.cli.conftest import assert_one_line_error


def test_export_an_execution_as_run_events(cli, store_uri):
    with tm.connect(store_uri) as store:
        raw = store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64)
        train = store.start_execution("Train", "train")
        store.link(train, inputs=[raw])
        store.end_execution(train)
    done = cli("export", train.ref, "--format", "openlineage", uri=store_uri)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    assert events[0]["inputs"][0]["name"] == "raw"


def test_export_of_an_artifact_is_refused(cli, store_uri):
    with tm.connect(store_uri) as store:
        store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64)
    assert_one_line_error(cli("export", "dataset:raw", "--format", "openlineage", uri=store_uri), "takes an execution")


def _column_lineage(store):
    raw = store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64)
    mid = store.log_artifact("Dataset", "mid", digest="sha256:" + "2" * 64)
    out = store.log_artifact("Dataset", "out", digest="sha256:" + "3" * 64)
    store.log_column_lineage([tm.ColumnEdge(raw.ref, "price", mid.ref, "price_usd", "price * rate"),
                              tm.ColumnEdge(mid.ref, "price_usd", out.ref, "price", None)])


def test_lineage_of_one_column(cli, store_uri):
    with tm.connect(store_uri) as store:
        _column_lineage(store)
    tree = cli("lineage", "dataset:out", "--column", "price", uri=store_uri)
    assert tree.returncode == 0, tree.stderr
    assert "dataset:mid@1.price_usd" in tree.stdout and "dataset:raw@1.price" in tree.stdout
    assert "price * rate" in tree.stdout
    edges = json.loads(cli("lineage", "dataset:out", "--column", "price", "--depth", "1", "--format", "json",
                           uri=store_uri).stdout)
    assert [(e["source"], e["source_column"]) for e in edges] == [("dataset:mid@1", "price_usd")]
    down = json.loads(cli("lineage", "dataset:raw", "--column", "price", "--down", "--format", "json",
                          uri=store_uri).stdout)
    assert [e["target"] for e in down] == ["dataset:mid@1", "dataset:out@1"]
    assert_one_line_error(cli("lineage", "exec:1", "--column", "c", uri=store_uri), "exec")


def test_an_ingested_run_exports_as_it_came(cli, store_uri):
    event = {"eventType": "COMPLETE", "eventTime": "2026-05-01T10:00:00.5Z", "producer": "https://example.invalid/p",
             "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
             "run": {"runId": "01932b6e-0000-7000-8000-000000000abc", "facets": {}},
             "job": {"namespace": "spark", "name": "j", "facets": {}}, "inputs": [], "outputs": []}
    with tm.connect(store_uri) as store:
        done = store.ingest_openlineage(event)
    printed = cli("export", done.execution.ref, "--format", "openlineage", uri=store_uri)
    assert [json.loads(line) for line in printed.stdout.splitlines()] == [event]
