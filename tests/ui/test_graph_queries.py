"""The UI graph's SQL: which nodes are classified is one query over the walk's ids, whatever their number."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.ui.test_runs_queries import counted

pytest.importorskip("fastapi")
pytest.importorskip("httpx")


def _chain(store, name: str, size: int):
    """dataset -> step -> dataset ... of ``size`` steps; the last dataset carries a label of its own."""
    first = previous = store.log_artifact("Dataset", f"{name}-0", digest="sha256:" + f"{size:064x}")
    for i in range(1, size + 1):
        step = store.start_execution("Step", f"{name}-step-{i}")
        output = store.log_artifact("Dataset", f"{name}-{i}", digest="sha256:" + f"{size * 1000 + i:064x}")
        store.link(step, inputs=[previous], outputs=[output])
        previous = output
    store.classify(previous, "PII", propagate=False)
    return first, previous


@contextmanager
def _two_chains(store_uri, size: int, *, spread: bool = False):
    """A served store with a chain of 3 steps and one of ``size`` steps; ``spread``: each first dataset also carries a
    label that spreads down its chain."""
    from fastapi.testclient import TestClient

    from trailmark.server import create_app

    app = create_app(store_uri)
    with TestClient(app) as client:
        store = app.state.store
        small, large = _chain(store, "small", 3), _chain(store, "large", size)
        if spread:
            for first, _ in (small, large):
                store.classify(first, "SENSITIVE")
        client.get("/api/v1/ui/graph", params={"ref": small[0].ref})  # the first request looks up the project
        yield client, store, small, large


def _graph_below(client, store, first) -> tuple[list[dict], list[str]]:
    """The UI graph's nodes below ``first``, and the statements that answer took."""
    with counted(store.engine) as seen:
        answer = client.get("/api/v1/ui/graph", params={"ref": first.ref, "up": "0", "down": "all"})
    assert answer.status_code == 200, answer.text
    return answer.json()["nodes"], seen


@pytest.mark.parametrize("size", [3, 60])
def test_the_graph_looks_up_classifications_in_the_same_statements_for_7_or_121_nodes(store_uri, size):
    with _two_chains(store_uri, size) as (client, store, small, large):
        found = {}
        for name, (first, last) in (("few", small), ("many", large)):
            nodes, found[name] = _graph_below(client, store, first)
            assert [n["ref"] for n in nodes if n["classifications"]] == [last.ref]
        few, many = found["few"], found["many"]
        assert len(many) == len(few), f"{len(few)} statements for 7 nodes, {len(many)} for {2 * size + 1}"
        assert sum("classifications" in s for s in many) == sum("classifications" in s for s in few)


def test_which_of_thousands_of_ids_are_classified_is_one_statement(store_uri):
    from trailmark.server.ui._graph import classified
    from trailmark.store.sql import SqlStore

    with SqlStore(store_uri) as store:
        _, labelled = _chain(store, "c", 2)
        ids = [labelled.id, *range(10**6, 10**6 + 5000)]  # most of them no node at all
        with counted(store.engine) as seen:
            assert classified(store, ids) == {labelled.id}
        reads = [s for s in seen if s.startswith("SELECT") and "audit_log" not in s and "pg_advisory" not in s]
        assert len(reads) == 1 and "FROM classifications" in reads[0], reads  # the read is audited: a write


@pytest.mark.parametrize("size", [3, 60])
def test_labels_spread_down_the_whole_graph_are_read_in_the_same_statements(store_uri, size):
    with _two_chains(store_uri, size, spread=True) as (client, store, small, large):
        found = {}
        for name, (first, _), count in (("few", small, 7), ("many", large, 2 * size + 1)):
            nodes, found[name] = _graph_below(client, store, first)
            assert len(nodes) == count
            assert all("SENSITIVE" in {c["label"] for c in n["classifications"]} for n in nodes)
            spread = [c for n in nodes for c in n["classifications"] if c["label"] == "SENSITIVE"]
            assert {c["origin"] for c in spread} == {first.ref}
        few, many = found["few"], found["many"]
        assert len(many) == len(few), f"{len(few)} statements for 7 nodes, {len(many)} for {2 * size + 1}"
