"""Marquez-compatible reads, in the shapes of Marquez's OpenAPI document, and the export route."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest

from tests.server.conftest import error_of
from tests.server.test_openlineage_client import DAG_RUN, LOAD_2, airflow_stream

LAKE = "s3://lake"


@pytest.fixture
def dag(api):
    for event in airflow_stream():
        assert api.post("/lineage", json=event).status_code == 200
    return api


def _column_facet():
    return {"columnLineage": {"_producer": "p", "_schemaURL": "https://example.invalid/cl.json", "fields": {
        "total": {"inputFields": [{"namespace": LAKE, "name": "raw/sales", "field": "price"}],
                  "transformationDescription": "sum(price)", "transformationType": "AGGREGATION"}}}}


def test_namespaces_datasets_and_jobs(dag):
    assert {n["name"] for n in dag.get("/namespaces").json()["namespaces"]} == {
        "airflow", LAKE, "postgres://wh:5432"}
    found = dag.get(f"/namespaces/{quote(LAKE, safe='')}/datasets").json()
    assert found["totalCount"] == 1
    (raw,) = found["datasets"]
    assert raw["id"] == {"namespace": LAKE, "name": "raw/sales"} and raw["fields"] == [
        {"name": "price", "type": "DOUBLE", "tags": [], "description": None}]
    jobs = {j["name"]: j for j in dag.get("/namespaces/airflow/jobs").json()["jobs"]}
    assert set(jobs) == {"daily_sales", "daily_sales.extract", "daily_sales.load"}
    load = jobs["daily_sales.load"]
    assert load["latestRun"]["id"] == LOAD_2 and load["latestRun"]["state"] == "COMPLETED"
    assert load["inputs"] == [{"namespace": LAKE, "name": "raw/sales"}]
    assert load["outputs"] == [{"namespace": "postgres://wh:5432", "name": "public.sales"}]
    assert jobs["daily_sales"]["latestRun"]["id"] == DAG_RUN
    assert dag.get("/namespaces/airflow/jobs", params={"limit": 1, "offset": 1}).json()["jobs"][0]["name"] == (
        "daily_sales.extract")


def test_lineage_graph_folds_runs_and_versions_into_jobs_and_datasets(dag):
    graph = dag.get("/lineage", params={"nodeId": f"dataset:{LAKE}:raw/sales", "depth": 2}).json()["graph"]
    nodes = {n["id"]: n for n in graph}
    assert set(nodes) == {f"dataset:{LAKE}:raw/sales", "job:airflow:daily_sales.extract",
                          "job:airflow:daily_sales.load", "dataset:postgres://wh:5432:public.sales"}
    load = nodes["job:airflow:daily_sales.load"]
    assert load["type"] == "JOB" and load["inEdges"] == [
        {"origin": f"dataset:{LAKE}:raw/sales", "destination": "job:airflow:daily_sales.load"}]
    assert nodes[f"dataset:{LAKE}:raw/sales"]["type"] == "DATASET"
    shallow = dag.get("/lineage", params={"nodeId": "job:airflow:daily_sales.extract", "depth": 0}).json()["graph"]
    assert [n["id"] for n in shallow] == ["job:airflow:daily_sales.extract"]
    assert "dataset:NAMESPACE:NAME" in error_of(dag.get("/lineage", params={"nodeId": "table:x"}), 400, "invalid")
    assert "no OpenLineage dataset" in error_of(dag.get("/lineage", params={"nodeId": f"dataset:{LAKE}:nope"}),
                                                404, "not_found")


def test_column_lineage_and_events(dag):
    event = {**airflow_stream()[-2], "run": {"runId": "01932b6e-0000-7000-8000-0000000000ff"},
             "outputs": [{"namespace": "postgres://wh:5432", "name": "public.totals", "facets": _column_facet()}]}
    assert dag.post("/lineage", json=event).status_code == 200
    found = dag.get("/column-lineage", params={"nodeId": "datasetField:postgres://wh:5432:public.totals:total"})
    nodes = {n["id"]: n for n in found.json()["graph"]}
    total = nodes["datasetField:postgres://wh:5432:public.totals:total"]
    assert total["type"] == "DATASET_FIELD" and total["data"]["inputFields"] == [{
        "namespace": LAKE, "dataset": "raw/sales", "field": "price", "transformationDescription": "sum(price)",
        "transformationType": "AGGREGATION"}]
    assert total["inEdges"] == [{"origin": f"datasetField:{LAKE}:raw/sales:price", "destination": total["id"]}]
    down = dag.get("/column-lineage", params={"nodeId": f"datasetField:{LAKE}:raw/sales:price",
                                              "withDownstream": "true"}).json()["graph"]
    assert total["id"] in {n["id"] for n in down}

    events = dag.get("/events/lineage", params={"limit": 3}).json()
    assert events["totalCount"] == len(airflow_stream()) + 1 and len(events["events"]) == 3
    assert events["events"][0] == event  # newest first, as it came
    oldest = dag.get("/events/lineage", params={"sortDirection": "asc", "limit": 1}).json()["events"]
    assert oldest == airflow_stream()[:1]
    before = dag.get("/events/lineage", params={"before": "2026-05-01T10:01:30+00:00", "sortDirection": "asc"})
    assert [e["eventTime"] for e in before.json()["events"]] == [
        "2026-05-01T10:00:00+00:00", "2026-05-01T10:01:00+00:00"]


MARQUEZ = json.loads((Path(__file__).parent / "marquez" / "openapi.json").read_text())


def _json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: refs into ``$defs``, and null allowed wherever a type is named,
    as Marquez itself answers (its own examples send ``null`` for strings and objects)."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "discriminator" in node and "oneOf" in node:  # a discriminated union: the discriminator picks one branch
        node = {**{k: v for k, v in node.items() if k != "oneOf"}, "anyOf": node["oneOf"]}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("discriminator", "example", "nullable", "deprecated") or (key == "type" and value == "enum"):
            continue
        if key == "$ref":
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        elif key == "properties":
            out[key] = {name: _json_schema(s) for name, s in value.items()}
        else:
            out[key] = _json_schema(value) if key in ("items", "additionalProperties", "allOf", "anyOf") else value
    if isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def _violations(path: str, document: Any) -> list[str]:
    """What in ``document`` breaks the 200 answer's schema of GET ``path`` in Marquez's OpenAPI document."""
    answer = MARQUEZ["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    defs = {name: _json_schema(s) for name, s in MARQUEZ["components"]["schemas"].items()}
    if path == "/column-lineage":  # the document reuses LineageGraph; Marquez answers DATASET_FIELD nodes here
        defs["NodeType"]["enum"] = [*defs["NodeType"]["enum"], "DATASET_FIELD"]
    schema = {"$defs": defs, **_json_schema(answer)}
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(document)]


def test_the_reads_answer_in_the_shapes_of_marquezs_openapi_document(dag):
    event = {**airflow_stream()[-2], "run": {"runId": "01932b6e-0000-7000-8000-0000000000fe"},
             "outputs": [{"namespace": "postgres://wh:5432", "name": "public.totals", "facets": _column_facet()}]}
    assert dag.post("/lineage", json=event).status_code == 200
    reads = [
        ("/namespaces", "/namespaces", {}),
        ("/namespaces/{namespace}/datasets", f"/namespaces/{quote(LAKE, safe='')}/datasets", {}),
        ("/namespaces/{namespace}/jobs", "/namespaces/airflow/jobs", {}),
        ("/lineage", "/lineage", {"nodeId": f"dataset:{LAKE}:raw/sales", "depth": 5}),
        ("/column-lineage", "/column-lineage", {"nodeId": "datasetField:postgres://wh:5432:public.totals:total"}),
        ("/events/lineage", "/events/lineage", {"limit": 5}),
    ]
    for spec_path, path, params in reads:
        answer = dag.get(path, params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json(), path
        assert _violations(spec_path, answer.json()) == [], path
    datasets = dag.get(f"/namespaces/{quote(LAKE, safe='')}/datasets").json()
    datasets["datasets"][0]["fields"] = "price DOUBLE"  # the check itself catches a wrong shape
    assert _violations("/namespaces/{namespace}/datasets", datasets)


def test_a_runs_events_export_over_rest(dag):
    runs = dag.get("/search", params={"kind": "executions", "filter": f"params.openlineage.runId = '{LOAD_2}'"})
    (execution,) = runs.json()["items"]
    exported = dag.get(f"/openlineage/runs/{execution['ref']}").json()
    assert exported == [e for e in airflow_stream() if e["run"]["runId"] == LOAD_2]
