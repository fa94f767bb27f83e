"""The light lineage walk over REST (?light=true), HttpStore's lazy Lineage on it, and the UI graph's light rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import trailmark as tm
from tests.governance.conftest import digest
from tests.server.live import serve_in_thread
from trailmark.server import create_app
from trailmark.store.sql import SqlStore


def _pipeline(store) -> dict[str, object]:
    """raw -> prep -> clean -> train -> model, and raw -> audit (failed); the prep run nests a child run."""
    raw = store.log_artifact("Dataset", "raw", digest=digest(1), properties={"rows": 3})
    prep = store.start_execution("Preprocess", "prep")
    clean = store.log_artifact("Dataset", "clean", digest=digest(2))
    store.link(prep, inputs=[raw], outputs=[clean], roles={raw.id: "source"})
    store.end_execution(prep)
    child = store.start_execution("Preprocess", "prep-part", parent=prep)
    store.end_execution(child)
    train = store.start_execution("Train", "train")
    model = store.log_artifact("Model", "clf", digest=digest(3))
    store.link(train, inputs=[clean], outputs=[model])
    store.end_execution(train)
    failed = store.start_execution("Audit", "audit")
    store.link(failed, inputs=[raw])
    store.end_execution(failed, status="FAILED", error="no")
    return {"raw": raw, "prep": prep, "child": child, "model": model, "failed": failed}


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, list[str], SqlStore, dict[str, object]]]:
    """A real server on loopback over a SQLite file, the queries of its lineage requests, and the same store."""
    uri = f"sqlite:///{tmp_path / 'trailmark.db'}"
    with SqlStore(uri) as store:
        nodes = _pipeline(store)
        app = create_app(uri)
        queries: list[str] = []

        @app.middleware("http")
        async def record(request, call_next):
            if request.url.path.startswith("/api/v1/lineage/"):
                queries.append(request.url.query)
            return await call_next(request)

        with serve_in_thread(app) as url:
            yield url, queries, store, nodes


def _rows(columns: dict[str, list]) -> list[dict]:
    """The light answer's columns as one dict per entry."""
    return [dict(zip(columns, entry, strict=True)) for entry in zip(*columns.values(), strict=True)]


def test_the_light_route_sends_the_walk_as_columns(served):
    import httpx

    url, _, store, nodes = served
    answer = httpx.get(f"{url}/api/v1/lineage/dataset:raw@1", params={"direction": "downstream", "light": "true",
                                                                       "include_parents": "true"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert list(body["nodes"]) == ["id", "kind", "type", "name", "version", "depth", "lifecycle", "status"]
    assert list(body["edges"]) == ["source", "target", "kind", "role"]
    rows = {row["id"]: row for row in _rows(body["nodes"])}
    expected = store.lineage("dataset:raw@1", direction="downstream", include_parents=True)
    assert set(rows) == {n.id for n in expected.nodes} and nodes["child"].id in rows
    for node in expected.nodes:
        assert (rows[node.id]["name"], rows[node.id]["depth"]) == (node.name, expected.depths[node.id])
    assert rows[nodes["model"].id]["version"] == 1 and rows[nodes["failed"].id]["status"] == "FAILED"
    assert rows[nodes["raw"].id]["status"] is None and "properties" not in answer.text
    edges = {tuple(e.values()) for e in _rows(body["edges"])}
    assert (nodes["raw"].id, nodes["prep"].id, "INPUT", "source") in edges
    assert (nodes["prep"].id, nodes["child"].id, "PARENT", None) in edges
    assert len(edges) == len(expected.edges)
    typed = httpx.get(f"{url}/api/v1/lineage/dataset:raw@1", params={"light": "true", "types": "Model"}).json()
    assert set(typed["nodes"]["id"]) == {nodes["raw"].id, nodes["model"].id} and typed["edges"]["source"] == []
    missing = httpx.get(f"{url}/api/v1/lineage/dataset:nothing", params={"light": "true"})
    assert missing.status_code == 404 and "nothing" in missing.json()["error"]["message"]


def test_http_lineage_fetches_full_nodes_once_and_only_when_touched(served):
    url, queries, store, nodes = served
    expected = store.lineage("dataset:raw@1", direction="downstream")
    with tm.connect(url) as http:
        walk = http.lineage("dataset:raw@1", direction="downstream")
        assert len(queries) == 1 and "light=true" in queries[0]
        assert len(walk) == len(expected) and walk.depths == expected.depths
        assert sorted(walk.edges, key=str) == sorted(expected.edges, key=str)
        assert [r.name for r in walk.reached] == [r.name for r in expected.reached]
        assert len(queries) == 1, "the walk's shape needs no second request"
        assert walk.nodes == expected.nodes
        assert [a.name for a in walk.artifacts()] == [a.name for a in expected.artifacts()]
        assert walk.to_json() == expected.to_json()
        assert len(queries) == 2 and "light" not in queries[1], "the full nodes in one more request, once"
        assert f"/{nodes['raw'].id}" not in queries[1]


def test_hidden_nodes_are_placeholders_in_the_light_rows(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.delenv("TRAILMARK_AUTH", raising=False)
    uri = f"sqlite:///{tmp_path / 'trailmark.db'}"
    with tm.connect(uri, project="vision") as store:
        raw = store.log_artifact("Dataset", "raw", digest=digest(1))
        prep = store.start_execution("Preprocess", "prep")
        secret = store.log_artifact("Dataset", "secret-name", digest=digest(2))
        store.link(prep, inputs=[raw], outputs=[secret])
        store.classify(secret, "PII")
        store.restrict("PII", min_role="editor")
        tokens = {}
        for user, role in (("ed", "editor"), ("vic", "viewer")):
            store.add_user(user)
            store.add_member("vision", user, role)
            tokens[user] = store.create_token(user).token
        with TestClient(create_app(uri)) as client:
            def names(user):
                answer = client.get("/api/v1/lineage/dataset:raw@1", params={"light": "true"}, headers={
                    "X-Trailmark-Project": "vision", "Authorization": f"Bearer {tokens[user]}"})
                assert answer.status_code == 200, answer.text
                columns = answer.json()["nodes"]
                return answer.text, dict(zip(columns["id"], columns["name"], strict=True))

            text, seen = names("vic")
            assert seen[secret.id] == "(restricted)" and "secret-name" not in text and seen[raw.id] == "raw"
            assert names("ed")[1][secret.id] == "secret-name"


def test_the_ui_graph_sends_light_rows_but_the_start_node_in_full(served):
    import httpx

    url, _, store, nodes = served
    store.classify(nodes["raw"], "PII")
    answer = httpx.get(f"{url}/api/v1/ui/graph", params={"ref": "dataset:raw@1", "up": "0", "down": "all"})
    assert answer.status_code == 200, answer.text
    shown = {n["id"]: n for n in answer.json()["nodes"]}
    root, model, failed = shown[nodes["raw"].id], shown[nodes["model"].id], shown[nodes["failed"].id]
    assert root["properties"] == {"rows": 3} and root["depth"] == 0
    assert "properties" not in model and "digest" not in model
    assert (model["ref"], model["depth"], model["type"]) == ("model:clf@1", 4, "Model")
    assert (failed["ref"], failed["status"]) == (nodes["failed"].ref, "FAILED")
    assert [c["label"] for c in model["classifications"]] == ["PII"], "propagated downstream, looked up"
    assert shown[nodes["child"].id]["depth"] == 2, "run nesting followed: prep -> its child run"
