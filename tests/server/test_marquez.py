"""Marquez-compatible reads, in the shapes of Marquez's OpenAPI document, and the export route."""

from __future__ import annotations

from urllib.parse import quote

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


def test_a_runs_events_export_over_rest(dag):
    runs = dag.get("/search", params={"kind": "executions", "filter": f"params.openlineage.runId = '{LOAD_2}'"})
    (execution,) = runs.json()["items"]
    exported = dag.get(f"/openlineage/runs/{execution['ref']}").json()
    assert exported == [e for e in airflow_stream() if e["run"]["runId"] == LOAD_2]
