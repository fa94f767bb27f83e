"""OpenLineage semantics on every backend: one execution per runId, facets over a run's events,
dataset identity and versions, parents, static events, refusals, column lineage, round trips."""

from __future__ import annotations

import uuid

import pytest

import trailmark as tm
from trailmark.openlineage import run_events

PRODUCER = "https://example.invalid/producer"


def _event(state, run_id, job="etl", *, inputs=(), outputs=(), run_facets=None, job_facets=None,
           time="2026-05-01T10:00:00Z"):
    return {"eventType": state, "eventTime": time, "producer": PRODUCER,
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": run_id, "facets": run_facets or {}},
            "job": {"namespace": "spark", "name": job, "facets": job_facets or {}},
            "inputs": list(inputs), "outputs": list(outputs)}


def _facet(**fields):
    return {"_producer": PRODUCER, "_schemaURL": "https://example.invalid/facet.json", **fields}


def _ds(name, namespace="s3://lake", **facets):
    return {"namespace": namespace, "name": name, "facets": facets}


def _run_id() -> str:
    return str(uuid.uuid4())


def test_facets_accumulate_later_values_win_and_deleted_removes(store):
    run = _run_id()
    store.ingest_openlineage(_event("START", run, run_facets={"a": _facet(v=1), "b": _facet(v=1)}))
    store.ingest_openlineage(_event("RUNNING", run, run_facets={"a": _facet(v=2)}))
    done = store.ingest_openlineage(_event("COMPLETE", run, run_facets={"b": {"_deleted": True}},
                                           job_facets={"sql": _facet(query="select 1")}))
    facets = done.execution.params["openlineage.runFacets"]
    assert facets == {"a": _facet(v=2)}
    assert done.execution.params["openlineage.jobFacets"]["sql"]["query"] == "select 1"
    late = store.ingest_openlineage(_event("OTHER", run, run_facets={"late": _facet(v=3)}))
    assert late.execution.status == "COMPLETE" and late.execution.params["openlineage.runFacets"]["late"]["v"] == 3


def test_running_and_other_keep_a_run_running_an_end_is_final(store):
    run = _run_id()
    for state in ("OTHER", "RUNNING"):
        assert store.ingest_openlineage(_event(state, run)).execution.status == "RUNNING"
    failed = store.ingest_openlineage(_event("FAIL", run, time="2026-05-01T10:05:00Z",
                                             run_facets={"errorMessage": _facet(message="boom")}))
    assert (failed.execution.status, failed.execution.error) == ("FAILED", "boom")
    again = store.ingest_openlineage(_event("COMPLETE", run))
    assert again.execution.status == "FAILED" and again.execution.ended_at == failed.execution.ended_at


def test_times_come_from_the_events(store):
    run = _run_id()
    store.ingest_openlineage(_event("COMPLETE", run, time="2026-05-01T10:05:00Z"))
    done = store.ingest_openlineage(_event("START", run, time="2026-05-01T10:00:00+00:00"))
    assert done.execution.started_at.isoformat() == "2026-05-01T10:00:00+00:00"
    assert done.execution.duration == 300


def test_outputs_make_one_version_per_writing_run_inputs_never(store):
    writer = _run_id()
    for state in ("START", "COMPLETE"):
        store.ingest_openlineage(_event(state, writer, "write", outputs=[_ds("t")]))
    assert [a.version for a in store.versions("Dataset", "t")] == [1]
    reader = _run_id()
    for state in ("START", "COMPLETE"):
        read = store.ingest_openlineage(_event(state, reader, "read", inputs=[_ds("t", other=_facet(x=1))]))
    assert [a.ref for a in read.inputs] == ["dataset:t@1"]
    second = _run_id()
    store.ingest_openlineage(_event("COMPLETE", second, "write", outputs=[_ds("t")]))
    assert [a.version for a in store.versions("Dataset", "t")] == [1, 2]
    # the reader keeps the version it started with; a new reader gets the latest
    assert [a.ref for a in store.ingest_openlineage(_event("COMPLETE", reader, "read", inputs=[_ds("t")])).inputs] \
        == ["dataset:t@1"]
    assert [a.ref for a in store.ingest_openlineage(_event("COMPLETE", _run_id(), "read", inputs=[_ds("t")])).inputs] \
        == ["dataset:t@2"]


def test_a_version_facet_names_the_version_written_or_read(store):
    def version(label):
        return _facet(datasetVersion=label)

    for label in ("snap-1", "snap-2", "snap-1"):  # the third run writes snap-1 again: no new version
        store.ingest_openlineage(_event("COMPLETE", _run_id(), "write", outputs=[_ds("v", version=version(label))]))
    assert [a.version for a in store.versions("Dataset", "v")] == [1, 2]
    pinned = store.ingest_openlineage(_event("COMPLETE", _run_id(), "read",
                                             inputs=[_ds("v", version=version("snap-1"))]))
    assert [a.ref for a in pinned.inputs] == ["dataset:v@1"]
    bare = store.ingest_openlineage(_event("COMPLETE", _run_id(), "read", inputs=[_ds("v")]))
    assert [a.ref for a in bare.inputs] == ["dataset:v@2"], "without a version facet: the latest"
    assert [a.version for a in store.versions("Dataset", "v")] == [1, 2], "readers never make a version"


def test_the_writing_run_completes_its_versions_facets(store):
    run = _run_id()
    store.ingest_openlineage(_event("START", run, outputs=[_ds("o")]))
    schema = _facet(fields=[{"name": "price", "type": "DOUBLE"}])
    store.ingest_openlineage(_event("COMPLETE", run, outputs=[_ds("o", schema=schema)]))
    (version,) = store.versions("Dataset", "o")
    assert version.properties["facets"]["schema"]["fields"][0]["name"] == "price"


def test_one_name_in_two_namespaces_is_two_series(store):
    first = store.ingest_openlineage(_event("COMPLETE", _run_id(), outputs=[_ds("orders", "postgres://a:5432")]))
    other = store.ingest_openlineage(_event("COMPLETE", _run_id(), outputs=[_ds("orders", "postgres://b:5432")]))
    assert first.outputs[0].name == "orders"
    assert other.outputs[0].name == "postgres://b:5432/orders"
    assert other.outputs[0].properties["openlineage"] == {"namespace": "postgres://b:5432", "name": "orders"}
    assert store.openlineage_dataset("postgres://b:5432", "orders").id == other.outputs[0].id


def test_parent_facet_links_task_runs_to_the_dag_run_known_or_not(store):
    dag = _run_id()
    parent = {"parent": _facet(run={"runId": dag}, job={"namespace": "airflow", "name": "daily"})}
    task = store.ingest_openlineage(_event("START", _run_id(), "daily.extract", run_facets=parent))
    (dag_run,) = [e for e in store.search("", kind="executions") if e.params.get("openlineage.runId") == dag]
    assert task.execution.parent_id == dag_run.id and dag_run.status == "RUNNING"
    assert dag_run.type == "Job", "started by its child, before any event of its own"
    done = store.ingest_openlineage({**_event("COMPLETE", dag, "daily"), "job": {
        "namespace": "airflow", "name": "daily", "facets": {"jobType": _facet(jobType="DAG")}}})
    assert done.execution.id == dag_run.id and done.execution.status == "COMPLETE"
    assert done.execution.type == "Dag", "the type follows the jobType its own events send"
    assert [c.name for c in store.contexts(type="Pipeline")] == ["airflow/daily"]
    members = {e.id for e in store.search("context = 'airflow/daily'", kind="executions")}
    assert members == {dag_run.id, task.execution.id}, "the DAG run and its task run are members of its pipeline"
    tree = store.lineage(dag_run, include_parents=True)
    assert [(e.source, e.target, e.kind) for e in tree.edges] == [(dag_run.id, task.execution.id, "PARENT")]


def test_facets_accumulate_in_any_arrival_order(store):
    run = _run_id()
    store.ingest_openlineage(_event(
        "COMPLETE", run, run_facets={"a": _facet(v=1)}, job_facets={"sql": _facet(query="select 1")},
        inputs=[{**_ds("src"), "inputFacets": {"dq": _facet(rows=1)}}],
        outputs=[{**_ds("dst", schema=_facet(fields=[{"name": "c"}])), "outputFacets": {"stats": _facet(rowCount=2)}}],
    ))
    late = store.ingest_openlineage(_event(
        "START", run, run_facets={"b": _facet(v=2)}, job_facets={"jobType": _facet(jobType="QUERY")},
        inputs=[{**_ds("src"), "inputFacets": {"other": _facet(x=1)}}],
        outputs=[{**_ds("dst", dataSource=_facet(name="lake")), "outputFacets": {"more": _facet(y=1)}}],
    ))
    execution = late.execution
    assert (execution.status, execution.type) == ("COMPLETE", "Query"), "a START after the end reopens nothing"
    assert set(execution.params["openlineage.runFacets"]) == {"a", "b"}
    assert set(execution.params["openlineage.jobFacets"]) == {"sql", "jobType"}
    assert set(execution.params["openlineage.inputFacets"]["s3://lake/src"]) == {"dq", "other"}
    assert set(execution.params["openlineage.outputFacets"]["s3://lake/dst"]) == {"stats", "more"}
    (written,) = store.versions("Dataset", "dst")
    assert set(written.properties["facets"]) == {"schema", "dataSource"}


def test_dataset_and_job_events(store):
    made = store.ingest_openlineage({"eventTime": "2026-05-01T10:00:00Z", "producer": PRODUCER,
                                     "dataset": _ds("static", doc=_facet(description="d"))})
    assert made.execution is None and made.inputs[0].ref == "dataset:static@1"
    job = store.ingest_openlineage({"eventTime": "2026-05-01T10:00:00Z", "producer": PRODUCER,
                                    "job": {"namespace": "dbt", "name": "model.x",
                                            "facets": {"sql": _facet(query="q")}},
                                    "inputs": [_ds("static")], "outputs": [_ds("static_out")]})
    assert job.execution is None and [a.ref for a in job.inputs] == ["dataset:static@1"]
    assert [(j.name, j.facets["sql"]["query"]) for j in store.openlineage_jobs("dbt")] == [("model.x", "q")]
    assert store.search("", kind="executions").items == []
    assert set(store.openlineage_namespaces()) == {"dbt", "s3://lake"}


@pytest.mark.parametrize("bad, message", [
    ({"run": {"runId": "r", "facets": {"parent": {"run": {"runId": 7}}}}}, "parent: run.runId must be text"),
    ({"run": {"runId": "r", "facets": {"errorMessage": {"message": ["x"]}}}}, "errorMessage: message must be text"),
    ({"outputs": [{"namespace": "s3://x", "name": "o", "facets": {"version": {"datasetVersion": 3}}}]},
     "version: datasetVersion must be text"),
    ({"outputs": [{"namespace": "s3://x", "name": "o", "facets": {"columnLineage": {"fields": {"c": {
        "inputFields": [{"namespace": "s3://x", "name": "i"}]}}}}}]}, "needs namespace, name and field"),
    ({"inputs": [{"namespace": "s3://x", "name": "bad\x00name"}]}, "NUL"),
])
def test_a_refused_event_leaves_nothing(store, bad, message):
    event = {**_event("START", "r", inputs=[_ds("in")]), **bad}
    with pytest.raises(tm.ValidationError, match=message):
        store.ingest_openlineage(event)
    assert store.search("", kind="executions").items == [] and store.search("", kind="artifacts").items == []
    assert store.openlineage_events() == []


def test_column_lineage_from_facets_walks_columns(store):
    store.ingest_openlineage(_event("COMPLETE", _run_id(), "load", outputs=[_ds("raw")]))
    lineage = {"fields": {"ppsf": {"inputFields": [
        {"namespace": "s3://lake", "name": "raw", "field": "price"},
        {"namespace": "s3://lake", "name": "raw", "field": "size",
         "transformations": [{"type": "DIRECT", "subtype": "TRANSFORMATION", "description": "price / size"}]},
    ]}}}
    store.ingest_openlineage(_event("COMPLETE", _run_id(), "features", inputs=[_ds("raw")],
                                    outputs=[_ds("features", columnLineage=_facet(**lineage))]))
    lineage2 = {"fields": {"score": {"inputFields": [{"namespace": "s3://lake", "name": "features", "field": "ppsf"}],
                                     "transformationDescription": "model", "transformationType": "INDIRECT"}}}
    store.ingest_openlineage(_event("COMPLETE", _run_id(), "score", inputs=[_ds("features")],
                                    outputs=[_ds("scores", columnLineage=_facet(**lineage2))]))
    edges = store.column_lineage("dataset:scores", column="score")
    assert [(e.source, e.source_column, e.target_column) for e in edges] == [
        ("dataset:features@1", "ppsf", "score"), ("dataset:raw@1", "price", "ppsf"), ("dataset:raw@1", "size", "ppsf")]
    assert edges[0].transformation == "INDIRECT: model" and edges[2].transformation == "DIRECT: price / size"
    assert len(store.column_lineage("dataset:scores", column="score", depth=1)) == 1
    down = store.column_lineage("dataset:raw", column="size", direction="downstream")
    assert [(e.target, e.target_column) for e in down] == [
        ("dataset:features@1", "ppsf"), ("dataset:scores@1", "score")]
    with pytest.raises(tm.ValidationError, match="direction"):
        store.column_lineage("dataset:raw", direction="both")


def test_log_column_lineage_between_native_artifacts(store):
    raw = store.log_artifact("Dataset", "native-raw", digest="sha256:" + "1" * 64)
    out = store.log_artifact("Dataset", "native-out", digest="sha256:" + "2" * 64)
    store.log_column_lineage([tm.ColumnEdge(raw.ref, "a", out.ref, "a_scaled", "StandardScaler")])
    (edge,) = store.column_lineage(out, column="a_scaled")
    assert (edge.source, edge.source_column, edge.transformation) == (raw.ref, "a", "StandardScaler")


def test_an_ingested_run_exports_as_it_came_and_round_trips(store, tmp_path):
    run = _run_id()
    sent = [
        _event("START", run, inputs=[_ds("src")], time="2026-05-01T10:00:00.123456Z"),
        _event("RUNNING", run, run_facets={"progress": _facet(pct=50)}),
        _event("ABORT", run, outputs=[_ds("dst")], run_facets={"errorMessage": _facet(message="m", stackTrace="t")}),
    ]
    for event in sent:
        done = store.ingest_openlineage(event)
    assert run_events(store, done.execution) == sent
    assert store.openlineage_events(done.execution) == sent
    with tm.connect(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        for event in run_events(store, done.execution):
            copy.ingest_openlineage(event)
        (again,) = copy.search("", kind="executions")
        assert run_events(copy, again) == sent
        assert _shape(copy, again) == _shape(store, done.execution)


def _shape(store, execution):
    graph = store.lineage(execution, direction="both")
    return sorted((e.kind, graph.node(e.artifact_id).name, graph.node(e.artifact_id).version) for e in graph.edges)


def test_a_native_run_round_trips_into_a_fresh_store(store, tmp_path):
    raw = store.log_artifact("Dataset", "raw", "s3://bucket/raw.csv", digest="sha256:" + "a" * 64)
    with store.run("outer", type="Pipeline") as outer:
        with store.run("train", type="Train") as inner:
            inner.log_input(raw)
    inner_exec = store.get(inner.execution.ref)
    assert inner_exec.parent_id == outer.execution.id
    events = run_events(store, inner_exec)
    assert events[0]["run"]["runId"] == str(uuid.UUID(hex=inner_exec.uid))
    assert events[0]["run"]["facets"]["parent"]["run"]["runId"] == str(uuid.UUID(hex=outer.execution.uid))
    with tm.connect(f"sqlite:///{tmp_path / 'copy.db'}") as copy:
        for event in events:
            copy.ingest_openlineage(event)
        (child,) = [e for e in copy.search("", kind="executions") if e.params.get("openlineage.job") == "train"]
        assert child.type == "Train" and child.status == "COMPLETE" and child.parent_id is not None
        assert [(a.name, a.uri) for a in copy.lineage(child, direction="upstream").artifacts()] == [
            ("raw.csv", "s3://bucket/raw.csv")]


def test_reap_ends_runs_that_went_silent_not_old_events_replayed(store_uri):
    clock = tm.ManualClock()
    with tm.connect(store_uri, clock=clock) as store:
        parent = {"parent": _facet(run={"runId": _run_id()}, job={"namespace": "airflow", "name": "dag"})}
        task = store.ingest_openlineage(_event("START", _run_id(), time="2020-01-01T00:00:00Z", run_facets=parent))
        clock.advance("5m")
        assert store.reap(older_than="10m") == []
        live = store.ingest_openlineage(_event("RUNNING", task.execution.params["openlineage.runId"]))
        clock.advance("8m")
        reaped = store.reap(older_than="10m")
        assert [e.id for e in reaped] == [task.execution.parent_id]  # the DAG run never reported itself
        clock.advance("3m")
        assert [e.id for e in store.reap(older_than="10m")] == [live.execution.id]
