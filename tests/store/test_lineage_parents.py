"""Lineage over run nesting on every backend: ``include_parents`` adds PARENT edges (parent -> child),
walked downstream to the child runs and upstream to the parent; without it the walk is the data graph."""

from __future__ import annotations

from trailmark.entities import EdgeKind
from trailmark.lineage import Lineage


def _dag(store):
    """A DAG run of two task runs (extract writes raw, load reads it and writes wh) and a task nested in load."""
    dag = store.start_execution("Dag", "daily")
    extract = store.start_execution("Task", "daily.extract", parent=dag)
    raw = store.log_artifact("Dataset", "raw", uri="s3://lake/raw.csv", digest="sha256:" + "1" * 64)
    store.link(extract, outputs=[raw])
    load = store.start_execution("Task", "daily.load", parent=dag)
    wh = store.log_artifact("Dataset", "wh", uri="s3://lake/wh.csv", digest="sha256:" + "2" * 64)
    store.link(load, inputs=[raw], outputs=[wh])
    step = store.start_execution("Step", "daily.load.copy", parent=load)
    return dag, extract, load, step, raw, wh


def _parent_edges(graph: Lineage) -> set[tuple[int, int]]:
    return {(e.source, e.target) for e in graph.edges if e.kind == EdgeKind.PARENT}


def test_downstream_of_a_dag_run_reaches_its_task_runs_and_their_outputs(store):
    dag, extract, load, step, raw, wh = _dag(store)
    graph = store.lineage(dag, direction="downstream", include_parents=True)
    assert {n.id for n in graph.nodes} == {dag.id, extract.id, load.id, step.id, raw.id, wh.id}
    assert _parent_edges(graph) == {(dag.id, extract.id), (dag.id, load.id), (load.id, step.id)}
    assert all(e.role is None for e in graph.edges if e.kind == EdgeKind.PARENT)
    assert graph.depths[extract.id] == graph.depths[load.id] == 1 and graph.depths[step.id] == 2
    assert graph.depths[wh.id] == 2, "the shortest path: dag -> load -> wh"
    assert {(e.source, e.target) for e in graph.edges if e.kind != EdgeKind.PARENT} == {
        (extract.id, raw.id), (raw.id, load.id), (load.id, wh.id)}


def test_without_include_parents_the_walk_is_the_data_graph_alone(store):
    dag, extract, load, _step, raw, wh = _dag(store)
    assert [n.id for n in store.lineage(dag).nodes] == [dag.id]
    up = store.lineage(wh, direction="upstream")
    assert {n.id for n in up.nodes} == {wh.id, load.id, raw.id, extract.id}
    assert {e.kind for e in up.edges} == {EdgeKind.INPUT, EdgeKind.OUTPUT}


def test_upstream_reaches_the_parent_not_the_siblings(store):
    dag, extract, load, step, raw, wh = _dag(store)
    up = store.lineage(step, direction="upstream", include_parents=True)
    assert {n.id for n in up.nodes} == {step.id, load.id, dag.id, raw.id, extract.id}
    assert _parent_edges(up) == {(load.id, step.id), (dag.id, load.id), (dag.id, extract.id)}
    assert wh.id not in {n.id for n in up.nodes}, "upstream never turns back down to what load wrote"


def test_depth_and_types_apply_to_parent_edges(store):
    dag, extract, load, step, _raw, _wh = _dag(store)
    near = store.lineage(dag, depth=1, include_parents=True)
    assert {n.id for n in near.nodes} == {dag.id, extract.id, load.id}
    tasks = store.lineage(dag, types=["Task"], include_parents=True)
    assert {n.id for n in tasks.nodes} == {dag.id, extract.id, load.id}
    assert _parent_edges(tasks) == {(dag.id, extract.id), (dag.id, load.id)}
    both = store.lineage(load, direction="both", depth=1, include_parents=True)
    assert _parent_edges(both) == {(dag.id, load.id), (load.id, step.id)}


def test_parent_edges_round_trip_and_render(store):
    dag, extract, load, step, _raw, _wh = _dag(store)
    graph = store.lineage(dag, include_parents=True)
    again = Lineage.from_dict(graph.to_dict())
    assert _parent_edges(again) == _parent_edges(graph)
    assert f"n{dag.id} -> n{extract.id} [style=dashed" in graph.to_dot()
    assert f"n{dag.id} -. child run .-> n{load.id}" in graph.to_mermaid()
