"""Exported events validate against the OpenLineage 2-0-2 JSON schemas (vendored in schemas/)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from trailmark.openlineage import run_events

SCHEMAS = Path(__file__).with_name("schemas")
SPEC_ID = "https://openlineage.io/spec/2-0-2/OpenLineage.json"


def _registry() -> tuple[Registry, dict[str, dict]]:
    documents = [json.loads(p.read_text()) for p in [SCHEMAS / "OpenLineage.json", *SCHEMAS.glob("facets/*.json")]]
    registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in documents)
    facets = {d["$id"].rsplit("/", 1)[-1].removesuffix(".json"): d for d in documents if d["$id"] != SPEC_ID}
    return registry, facets


REGISTRY, FACETS = _registry()


def violations(event: dict) -> list[str]:
    """Every schema violation of an event, and of each facet whose _schemaURL names a vendored facet schema."""
    kind = "RunEvent" if "run" in event else "DatasetEvent" if "dataset" in event else "JobEvent"
    found = _check({"$ref": f"{SPEC_ID}#/$defs/{kind}"}, event)
    facet_groups = [event.get("run", {}).get("facets"), event.get("job", {}).get("facets")]
    for dataset in [*event.get("inputs", []), *event.get("outputs", []), event.get("dataset") or {}]:
        facet_groups += [dataset.get("facets"), dataset.get("inputFacets"), dataset.get("outputFacets")]
    for facets in filter(None, facet_groups):
        for name, facet in facets.items():
            schema_name = facet.get("_schemaURL", "").rsplit("/", 1)[-1].split(".json")[0]
            if schema_name in FACETS:
                definition = f"{FACETS[schema_name]['$id']}#/$defs/{schema_name}"
                found += [f"{name}: {v}" for v in _check({"$ref": definition}, facet)]
    return found


def _check(schema: dict, value: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema, registry=REGISTRY,
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)]


def test_the_schemas_catch_a_broken_event():
    assert violations({"eventTime": "now", "producer": "p", "schemaURL": "s", "run": {"runId": "x"},
                       "job": {"namespace": "n", "name": "j"}})


@pytest.mark.parametrize("status", ["COMPLETE", "FAILED", None])
def test_native_runs_export_valid_events(store, status):
    raw = store.log_artifact("Dataset", "raw", "s3://bucket/raw.csv", digest="sha256:" + "a" * 64)
    train = store.start_execution("Train", "train", params={"depth": 3})
    store.link(train, inputs=[raw], outputs=[store.log_artifact("Model", "rf", digest="sha256:" + "b" * 64)])
    if status:
        store.end_execution(train, status=status, error="boom" if status == "FAILED" else None)
    events = run_events(store, train)
    assert len(events) == (2 if status else 1)
    assert [violations(e) for e in events] == [[] for _ in events]


def test_nested_native_runs_export_a_valid_parent_facet(store):
    with store.run("pipeline", type="Pipeline") as outer:
        with store.run("train", type="Train") as inner:
            pass
    events = run_events(store, inner.execution)
    assert events[0]["run"]["facets"]["parent"]["run"]["runId"] == str(uuid.UUID(hex=outer.execution.uid))
    assert [violations(e) for e in events] == [[] for _ in events]


def test_ingested_events_export_valid_as_they_came(store):
    from tests.server.test_openlineage_client import airflow_stream

    for event in airflow_stream():
        store.ingest_openlineage(event)
    exported = store.openlineage_events(limit=1000)
    assert exported == airflow_stream()
    assert [violations(e) for e in exported] == [[] for _ in exported]
