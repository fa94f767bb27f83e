"""The real openlineage-python client against a real server: every event type, static events,
Airflow-shaped streams (a DAG run parent of its task runs, retries), api-key auth."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import openlineage.client as ol
import pytest
from openlineage.client.event_v2 import (
    DatasetEvent,
    InputDataset,
    Job,
    JobEvent,
    OutputDataset,
    Run,
    RunEvent,
    RunState,
    StaticDataset,
)
from openlineage.client.facet_v2 import (
    error_message_run,
    job_type_job,
    parent_run,
    schema_dataset,
    sql_job,
)
from openlineage.client.serde import Serde
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport
from openlineage.client.uuid import generate_new_uuid

import trailmark as tm
from tests.server.live import serve_in_thread
from trailmark.server import create_app

PRODUCER = "https://github.com/apache/airflow/tree/providers-openlineage/2.0.0"
DAG_RUN = "01932b6e-0000-7000-8000-000000000001"
EXTRACT, LOAD_1, LOAD_2 = (f"01932b6e-0000-7000-8000-00000000001{n}" for n in range(3))
TIME = "2026-05-01T10:0{}:00+00:00"


def _client(url: str, project: str, token: str | None = None) -> ol.OpenLineageClient:
    auth = ApiKeyTokenProvider({"apiKey": token}) if token else None
    config = HttpConfig(url=url, custom_headers={"X-Trailmark-Project": project}, **({"auth": auth} if auth else {}))
    return ol.OpenLineageClient(transport=HttpTransport(config))


@pytest.fixture
def client(live_server, project):
    opened = _client(live_server, project)
    yield opened
    opened.transport.close()


@pytest.fixture
def store(live_server, project):
    with tm.connect(live_server, project=project) as opened:
        yield opened


def _airflow_events() -> list[RunEvent]:
    """A DAG run of two tasks (extract, then load that fails once and succeeds on its retry)."""
    dag_job = Job(namespace="airflow", name="daily_sales", facets={
        "jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="AIRFLOW", jobType="DAG")})
    parent = {"parent": parent_run.ParentRunFacet(run=parent_run.Run(runId=DAG_RUN),
                                                  job=parent_run.Job(namespace="airflow", name="daily_sales"))}
    raw = OutputDataset(namespace="s3://lake", name="raw/sales", facets={"schema": schema_dataset.SchemaDatasetFacet(
        fields=[schema_dataset.SchemaDatasetFacetFields("price", "DOUBLE")])})
    warehouse = OutputDataset(namespace="postgres://wh:5432", name="public.sales")
    task_type = {"jobType": job_type_job.JobTypeJobFacet(processingType="BATCH", integration="AIRFLOW",
                                                         jobType="TASK")}

    def task(state, run_id, name, minute, *, inputs=(), outputs=(), facets=None):
        return RunEvent(eventType=state, eventTime=TIME.format(minute), producer=PRODUCER,
                        run=Run(runId=run_id, facets={**parent, **(facets or {})}),
                        job=Job(namespace="airflow", name=f"daily_sales.{name}", facets=task_type),
                        inputs=list(inputs), outputs=list(outputs))

    read_raw = InputDataset(namespace="s3://lake", name="raw/sales")
    error = {"errorMessage": error_message_run.ErrorMessageRunFacet(message="connection reset",
                                                                    programmingLanguage="python")}
    return [
        RunEvent(eventType=RunState.START, eventTime=TIME.format(0), producer=PRODUCER, run=Run(runId=DAG_RUN),
                 job=dag_job),
        task(RunState.START, EXTRACT, "extract", 1),
        task(RunState.COMPLETE, EXTRACT, "extract", 2, outputs=[raw]),
        task(RunState.START, LOAD_1, "load", 3, inputs=[read_raw]),
        task(RunState.FAIL, LOAD_1, "load", 4, inputs=[read_raw], facets=error),
        task(RunState.START, LOAD_2, "load", 5, inputs=[read_raw]),
        task(RunState.COMPLETE, LOAD_2, "load", 6, inputs=[read_raw], outputs=[warehouse]),
        RunEvent(eventType=RunState.COMPLETE, eventTime=TIME.format(7), producer=PRODUCER, run=Run(runId=DAG_RUN),
                 job=dag_job),
    ]


def airflow_stream() -> list[dict]:
    """The Airflow-shaped stream as the JSON the client sends."""
    return [Serde.to_dict(e) for e in _airflow_events()]


def test_an_airflow_dag_run_and_its_task_runs_are_one_tree(client, store):
    for event in _airflow_events():
        client.emit(event)
    runs = {e.params["openlineage.runId"]: e for e in store.search("", kind="executions", limit=100)}
    assert set(runs) == {DAG_RUN, EXTRACT, LOAD_1, LOAD_2}
    dag = runs[DAG_RUN]
    assert (dag.type, dag.status, dag.parent_id) == ("Dag", "COMPLETE", None)
    assert {runs[r].parent_id for r in (EXTRACT, LOAD_1, LOAD_2)} == {dag.id}
    assert (runs[LOAD_1].status, runs[LOAD_1].error) == ("FAILED", "connection reset")
    assert runs[LOAD_2].status == "COMPLETE"
    # both tries read the version extract wrote; only the retry wrote the warehouse table
    (raw,) = store.versions("Dataset", "raw/sales")
    graph = store.lineage(raw, direction="downstream")
    assert {e.name for e in graph.executions()} == {"airflow/daily_sales.load"}
    assert len(graph.executions()) == 2
    assert [a.name for a in graph.artifacts()] == ["raw/sales", "public.sales"]
    assert [c.name for c in store.contexts(type="Pipeline")] == ["airflow/daily_sales"]


@pytest.fixture
def airflow_runs(client, store):
    """The Airflow stream sent through the client: the executions by runId."""
    for event in _airflow_events():
        client.emit(event)
    return {e.params["openlineage.runId"]: e for e in store.search("", kind="executions", limit=100)}


def test_the_dag_run_and_its_task_runs_are_one_tree_in_lineage(airflow_runs, store):
    dag, extract, failed, retry = (airflow_runs[r] for r in (DAG_RUN, EXTRACT, LOAD_1, LOAD_2))
    tree = store.lineage(dag, direction="downstream", include_parents=True)
    parented = {(e.source, e.target) for e in tree.edges if e.kind == "PARENT"}
    assert parented == {(dag.id, extract.id), (dag.id, failed.id), (dag.id, retry.id)}, "the retry is a second child"
    assert {e.id for e in tree.executions()} == {dag.id, extract.id, failed.id, retry.id}
    assert [a.name for a in tree.artifacts()] == ["raw/sales", "public.sales"]
    assert tree.depths[retry.id] == 1 and tree.depths[tree.artifacts()[1].id] == 2
    (warehouse,) = store.versions("Dataset", "public.sales")
    up = store.lineage(warehouse, direction="upstream", include_parents=True)
    assert dag.id in {e.id for e in up.executions()}, "upstream of what a task wrote: its DAG run"
    assert failed.id not in {e.id for e in up.executions()}, "a sibling is not upstream"
    assert store.lineage(dag, direction="downstream").edges == [], "without include_parents: the data graph only"
    children = store.search(f"parent = '{dag.ref}'", kind="executions", order_by=["id asc"])
    assert [e.id for e in children] == [extract.id, failed.id, retry.id]


def test_trailmark_lineage_shows_the_task_runs_under_the_dag_run(airflow_runs, live_server, project):
    dag = airflow_runs[DAG_RUN]

    def lineage(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "trailmark", "--uri", live_server, "--project", project,
                               "lineage", dag.ref, *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "COLUMNS": "200"}, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr
        return done.stdout

    tree = lineage().splitlines()
    assert tree[0].startswith("Dag airflow/daily_sales")
    children = [line for line in tree if line.startswith(("├── ", "└── "))]
    assert len(children) == 3 and all("(child run)" in line and "airflow/daily_sales." in line for line in children)
    assert any("FAILED" in line for line in children) and any("public.sales" in line for line in tree)
    graph = json.loads(lineage("--format", "json"))
    assert sorted(e["kind"] for e in graph["edges"]) == ["INPUT", "INPUT", "OUTPUT", "OUTPUT", "PARENT", "PARENT",
                                                         "PARENT"]
    assert json.loads(lineage("--no-parents", "--format", "json"))["edges"] == []


def test_the_ui_draws_the_tree_and_a_run_names_its_parent_and_children(airflow_runs, live_server, project):
    dag, retry = airflow_runs[DAG_RUN], airflow_runs[LOAD_2]
    with httpx.Client(base_url=live_server + "/api/v1/ui", headers={"X-Trailmark-Project": project}) as ui:
        graph = ui.get("/graph", params={"ref": dag.ref, "up": "all", "down": "all"}).json()
        assert sum(e["kind"] == "PARENT" for e in graph["edges"]) == 3 and len(graph["nodes"]) == 6
        task = ui.get("/node", params={"ref": retry.ref}).json()
        assert task["parent"]["id"] == dag.id and task["children"] == []
        assert {(n["name"], n["direction"]) for n in task["neighbours"]} == {
            ("raw/sales", "upstream"), ("public.sales", "downstream")}, "inputs and outputs: data only"
        top = ui.get("/node", params={"ref": dag.ref}).json()
        assert top["parent"] is None and len(top["children"]) == 3 and top["neighbours"] == []


def test_every_run_event_type(client, store):
    run_ids = {}
    for final in (RunState.COMPLETE, RunState.FAIL, RunState.ABORT, RunState.OTHER, RunState.RUNNING):
        run_id = str(generate_new_uuid())
        run_ids[final] = run_id
        for state in (RunState.START, RunState.RUNNING, final):
            client.emit(RunEvent(eventType=state, eventTime=TIME.format(1), producer=PRODUCER, run=Run(runId=run_id),
                                 job=Job(namespace="spark", name=f"job-{final.value.lower()}")))
    found = {e.params["openlineage.runId"]: e.status for e in store.search("", kind="executions")}
    assert found == {run_ids[RunState.COMPLETE]: "COMPLETE", run_ids[RunState.FAIL]: "FAILED",
                     run_ids[RunState.ABORT]: "FAILED", run_ids[RunState.OTHER]: "RUNNING",
                     run_ids[RunState.RUNNING]: "RUNNING"}
    abort = next(e for e in store.search("", kind="executions") if e.params["openlineage.runId"] == run_ids[
        RunState.ABORT])
    assert [e["eventType"] for e in store.openlineage_events(abort)] == ["START", "RUNNING", "ABORT"]


def test_dataset_and_job_events_from_the_client(client, store):
    schema = schema_dataset.SchemaDatasetFacet(fields=[schema_dataset.SchemaDatasetFacetFields("id", "BIGINT")])
    client.emit(DatasetEvent(eventTime=TIME.format(0), producer=PRODUCER,
                             dataset=StaticDataset(namespace="postgres://wh:5432", name="dim.customers",
                                                   facets={"schema": schema})))
    client.emit(JobEvent(eventTime=TIME.format(1), producer=PRODUCER,
                         job=Job(namespace="dbt", name="shop.customers",
                                 facets={"sql": sql_job.SQLJobFacet(query="select * from customers")}),
                         inputs=[InputDataset(namespace="postgres://wh:5432", name="dim.customers")],
                         outputs=[OutputDataset(namespace="postgres://wh:5432", name="mart.customers")]))
    customers = store.openlineage_dataset("postgres://wh:5432", "dim.customers")
    assert customers.properties["facets"]["schema"]["fields"][0]["name"] == "id"
    (job,) = store.openlineage_jobs("dbt")
    assert job.facets["sql"]["query"] == "select * from customers" and job.latest_run is None
    assert store.search("", kind="executions").items == []
    assert [e.get("schemaURL", "").rsplit("/", 1)[-1] for e in store.openlineage_events()] == [
        "DatasetEvent", "JobEvent"]


@pytest.fixture
def guarded(tmp_path):
    """A server with users: editor ed (token), viewer vic (token), in project lake."""
    uri = f"sqlite:///{tmp_path / 'guarded.db'}"
    with tm.connect(uri, project="lake") as store:
        store.add_user("ed")
        store.add_member("lake", "ed", "editor")
        store.add_user("vic")
        store.add_member("lake", "vic", "viewer")
        tokens = {u: store.create_token(u).token for u in ("ed", "vic")}
    with serve_in_thread(create_app(uri)) as url:
        yield url, tokens, uri


def test_the_client_api_key_is_the_bearer_token(guarded):
    url, tokens, uri = guarded
    event = RunEvent(eventType=RunState.COMPLETE, eventTime=TIME.format(0), producer=PRODUCER,
                     run=Run(runId=str(generate_new_uuid())), job=Job(namespace="spark", name="with-key"))
    for who, accepted in (("ed", True), ("vic", False)):
        client = _client(url, "lake", tokens[who])
        try:
            if accepted:
                client.emit(event)
            else:
                with pytest.raises(Exception, match="403"):  # the client raises its own HTTP error
                    client.emit(event)
        finally:
            client.transport.close()
    with tm.connect(uri, project="lake") as store:
        assert [e.name for e in store.search("", kind="executions")] == ["spark/with-key"]
