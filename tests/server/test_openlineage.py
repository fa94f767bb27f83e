"""OpenLineage ingest: the real openlineage-python client posts RunEvents to the test server."""

from __future__ import annotations

import openlineage.client as ol
import pytest
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    column_lineage_dataset,
    datasource_dataset,
    error_message_run,
    job_type_job,
    output_statistics_output_dataset,
    parent_run,
    schema_dataset,
)
from openlineage.client.transport.http import HttpCompression, HttpConfig, HttpTransport
from openlineage.client.uuid import generate_new_uuid

import trailmark as tm
from tests.server.conftest import error_of

PRODUCER = "https://example.invalid/test-producer"


@pytest.fixture
def client(live_server, project):
    """An OpenLineage client whose HTTP transport posts to the test server, in the test's project."""
    config = HttpConfig(url=live_server, custom_headers={"X-Trailmark-Project": project})
    transport = HttpTransport(config)
    yield ol.OpenLineageClient(transport=transport)
    transport.close()


@pytest.fixture
def store(live_server, project):
    with tm.connect(live_server, project=project) as opened:
        yield opened


def _schema(*columns: tuple[str, str]) -> schema_dataset.SchemaDatasetFacet:
    return schema_dataset.SchemaDatasetFacet(fields=[schema_dataset.SchemaDatasetFacetFields(n, t) for n, t in columns])


def _event(state, run_id, job="etl.load_orders", inputs=(), outputs=(), run_facets=None, job_facets=None):
    return RunEvent(
        eventType=state,
        eventTime="2026-05-01T10:00:00.000Z",
        run=Run(runId=run_id, facets=run_facets or {}),
        job=Job(namespace="spark://cluster", name=job, facets=job_facets or {}),
        inputs=list(inputs),
        outputs=list(outputs),
        producer=PRODUCER,
    )


def _orders(*columns):
    facets = {
        "schema": _schema(*columns),
        "dataSource": datasource_dataset.DatasourceDatasetFacet(name="pg", uri="postgres://db:5432"),
    }
    return InputDataset(namespace="postgres://db:5432", name="shop.public.orders", facets=facets)


def test_a_spark_run_becomes_an_execution_with_its_datasets(client, store):
    run_id = str(generate_new_uuid())
    parent = parent_run.ParentRunFacet(
        run=parent_run.Run(runId=str(generate_new_uuid())), job=parent_run.Job(namespace="airflow", name="daily_etl")
    )
    job_type = job_type_job.JobTypeJobFacet(processingType="BATCH", integration="SPARK", jobType="QUERY")
    orders = _orders(("id", "BIGINT"), ("amount", "DECIMAL"))
    client.emit(_event(RunState.START, run_id, inputs=[orders], run_facets={"parent": parent},
                       job_facets={"jobType": job_type}))
    lineage = column_lineage_dataset.ColumnLineageDatasetFacet(fields={
        "total": column_lineage_dataset.Fields(inputFields=[
            column_lineage_dataset.InputField(namespace="postgres://db:5432", name="shop.public.orders", field="amount")
        ])
    })
    daily = OutputDataset(
        namespace="s3://lake",
        name="/daily/totals",
        facets={"schema": _schema(("total", "DECIMAL")), "columnLineage": lineage},
        outputFacets={"outputStatistics": output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(31)},
    )
    client.emit(_event(RunState.COMPLETE, run_id, inputs=[orders], outputs=[daily]))

    (execution,) = store.search("name = 'spark://cluster/etl.load_orders'", kind="executions")
    assert (execution.type, execution.status) == ("Query", "COMPLETE")
    assert execution.name == "spark://cluster/etl.load_orders"
    assert execution.params["openlineage.runId"] == run_id
    assert execution.params["openlineage.runFacets"]["parent"]["job"]["name"] == "daily_etl"
    assert execution.params["openlineage.outputFacets"]["s3://lake/daily/totals"]["outputStatistics"]["rowCount"] == 31
    assert store.tags(execution) == {"openlineage.runId": run_id}
    assert [(c.type, c.name) for c in store.contexts()] == [("Pipeline", "airflow/daily_etl")]
    (dag_run,) = store.search("name = 'airflow/daily_etl'", kind="executions")
    assert execution.parent_id == dag_run.id and dag_run.params["openlineage.runId"] == str(parent.run.runId)

    graph = store.lineage(execution, direction="both")
    (source,) = graph.artifacts()[:1]
    assert (source.name, source.version) == ("shop.public.orders", 1)
    assert source.uri == "postgres://db:5432/shop.public.orders"
    assert [(f["name"], f["type"]) for f in source.properties["facets"]["schema"]["fields"]] == [
        ("id", "BIGINT"), ("amount", "DECIMAL")
    ]
    assert source.properties["openlineage"] == {"namespace": "postgres://db:5432", "name": "shop.public.orders"}
    target = store.get("dataset:daily/totals")
    assert target.uri == "s3://lake/daily/totals"
    assert target.properties["facets"]["columnLineage"]["fields"]["total"]["inputFields"][0]["field"] == "amount"
    assert {(e.kind, e.artifact_id) for e in graph.edges} == {("INPUT", source.id), ("OUTPUT", target.id)}


def test_readers_never_split_a_dataset_writers_make_one_version_each(client, store):
    for columns in ([("id", "BIGINT")], [("id", "BIGINT")], [("id", "BIGINT"), ("note", "TEXT")]):
        run_id = str(generate_new_uuid())
        client.emit(_event(RunState.START, run_id, inputs=[_orders(*columns)]))
        client.emit(_event(RunState.COMPLETE, run_id))
    (first,) = store.versions("Dataset", "shop.public.orders")  # made by the first mention, never split
    assert len(first.properties["facets"]["schema"]["fields"]) == 1
    for _ in range(2):
        run_id = str(generate_new_uuid())
        written = OutputDataset(namespace="postgres://db:5432", name="shop.public.orders")
        client.emit(_event(RunState.START, run_id, job="writer", outputs=[written]))
        client.emit(_event(RunState.COMPLETE, run_id, job="writer", outputs=[written]))
    assert [v.version for v in store.versions("Dataset", "shop.public.orders")] == [1, 2, 3]
    assert len(store.search("", kind="executions")) == 5


def test_fail_and_abort_end_the_execution_failed(client, store):
    failed, aborted = str(generate_new_uuid()), str(generate_new_uuid())
    client.emit(_event(RunState.START, failed, job="a"))
    error = error_message_run.ErrorMessageRunFacet(message="Table not found: orders", programmingLanguage="JAVA",
                                                   stackTrace="at Spark.run(...)")
    client.emit(_event(RunState.FAIL, failed, job="a", run_facets={"errorMessage": error}))
    client.emit(_event(RunState.START, aborted, job="b"))
    client.emit(_event(RunState.ABORT, aborted, job="b"))
    by_name = {e.name: e for e in store.search("", kind="executions")}
    assert by_name["spark://cluster/a"].status == "FAILED"
    assert by_name["spark://cluster/a"].error == "Table not found: orders"
    assert by_name["spark://cluster/b"].error == "the job run ended with OpenLineage ABORT"


def test_gzip_compressed_events(live_server, project, store):
    headers = {"X-Trailmark-Project": project}
    config = HttpConfig(url=live_server, compression=HttpCompression.GZIP, custom_headers=headers)
    transport = HttpTransport(config)
    try:
        ol.OpenLineageClient(transport=transport).emit(_event(RunState.COMPLETE, str(generate_new_uuid())))
    finally:
        transport.close()
    assert [e.status for e in store.search("", kind="executions")] == ["COMPLETE"]


# -- hand-made JSON -------------------------------------------------------------------------------


def _json(event_type, run_id="01890f3a-0000-7000-8000-000000000001", **extra):
    return {"eventType": event_type, "eventTime": "2026-05-01T10:00:00Z", "producer": PRODUCER,
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": run_id}, "job": {"namespace": "dbt", "name": "jaffle shop.orders"}, **extra}


def test_events_without_start_repeated_and_after_the_end(api):
    files = [{"namespace": "file", "name": "/data/raw files/orders@2026.csv"}]
    done = api.post("/lineage", json=_json("COMPLETE", inputs=files))
    assert done.status_code == 200, done.text
    execution = done.json()["execution"]
    assert (execution["status"], execution["name"], execution["type"]) == ("COMPLETE", "dbt/jaffle_shop.orders", "Job")
    (dataset,) = done.json()["inputs"]
    assert dataset["name"] == "data/raw_files/orders_2026.csv"
    assert dataset["uri"] == "file:///data/raw files/orders@2026.csv"
    again = api.post("/lineage", json=_json("COMPLETE", inputs=files)).json()
    assert again["execution"]["id"] == execution["id"] and again["inputs"][0]["id"] == dataset["id"]
    later = api.post("/lineage", json=_json("OTHER", outputs=[{"namespace": "file", "name": "/out.csv"}])).json()
    assert later["execution"]["status"] == "COMPLETE"
    edges = api.get(f"/lineage/{execution['ref']}", params={"direction": "both"}).json()["edges"]
    assert sorted(e["kind"] for e in edges) == ["INPUT", "OUTPUT"]
    assert len(api.get("/search", params={"kind": "executions"}).json()["items"]) == 1


@pytest.mark.parametrize(
    "event, fragment",
    [
        ({"eventType": "START", "job": {"namespace": "n", "name": "j"}}, "needs run.runId"),
        ({"eventType": "START", "run": {"runId": ""}, "job": {"namespace": "n", "name": "j"}}, "run.runId must be"),
        ({"eventType": "FINISHED", "run": {"runId": "r"}, "job": {"namespace": "n", "name": "j"}}, "eventType must"),
        ({"dataset": {"namespace": "n"}, "eventTime": "2026-05-01T10:00:00Z"}, "dataset.name must be"),
        ({**_json("START"), "inputs": [{"namespace": "n"}]}, "inputs[0].name must be"),
        ({**_json("START"), "run": {"runId": "r", "facets": {"errorMessage": {"message": 3}}}},
         "facet run.facets.errorMessage: message must be text, got int"),
        ({**_json("START"), "job": {"namespace": "n", "name": "j", "facets": {"jobType": []}}},
         "facet job.facets.jobType must be an object"),
        ({**_json("START"), "eventTime": "yesterday"}, "eventTime must be an ISO 8601"),
        ({**_json("START"), "inputs": [{"namespace": "n", "name": "a\x00b"}]}, "NUL"),
    ],
)
def test_malformed_events_are_refused(api, event, fragment):
    assert fragment in error_of(api.post("/lineage", json=event), 400, "invalid")
    assert api.get("/search", params={"kind": "executions"}).json()["items"] == []


def test_configured_from_the_environment_as_the_docs_say(live_server, project, store, monkeypatch):
    monkeypatch.setenv("OPENLINEAGE_URL", live_server)
    monkeypatch.setenv("OPENLINEAGE_ENDPOINT", f"api/v1/lineage?project={project}")
    monkeypatch.setenv("OPENLINEAGE_API_KEY", "a-token")  # sent as a bearer token, ignored by a server with no users
    client = ol.OpenLineageClient()
    try:
        client.emit(_event(RunState.COMPLETE, str(generate_new_uuid()), job="from-env"))
    finally:
        client.transport.close()
    assert [e.name for e in store.search("", kind="executions")] == ["spark://cluster/from-env"]
