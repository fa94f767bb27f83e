"""The /api/v1/ui routes and the static files, through the real app (no browser)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")


@pytest.fixture
def client(tmp_path) -> Iterator[tuple[object, object]]:
    from fastapi.testclient import TestClient

    from trailmark.server import create_app

    app = create_app(f"sqlite:///{tmp_path / 'trailmark.db'}")
    with TestClient(app) as opened:
        yield opened, app.state.store


def pipeline(store) -> dict[str, object]:
    """raw@1, raw@2 -> train (loss at 3 steps) -> model@1 (production), deployed; raw@1 is PII."""
    raw = store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64, properties={"rows": 10, "columns": 2})
    store.log_artifact("Dataset", "raw", digest="sha256:" + "2" * 64, properties={"rows": 12, "columns": 3})
    train = store.start_execution("Train", "train", params={"alpha": 0.5})
    model = store.log_artifact("Model", "clf", digest="sha256:" + "3" * 64)
    store.link(train, inputs=[raw], outputs=[model])
    for step in range(3):
        store.log_metrics(train, {"loss": 1.0 / (step + 1)}, step=step)
    store.end_execution(train)
    store.models.set_alias("clf", "production", version=1)
    store.models.deploy("model:clf@production", endpoint="http://serve/clf", health="healthy")
    store.classify(raw, "PII")
    return {"raw": raw, "train": train, "model": model}


def test_the_page_and_its_assets_are_served(client):
    http, _ = client
    page = http.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert 'src="ui/js/main.js"' in page.text
    for asset in ("ui/js/main.js", "ui/app.css", "ui/vendor/cytoscape.min.js", "ui/vendor/cytoscape-dagre.min.js",
                  "ui/vendor/uPlot.iife.min.js", "ui/icon.svg"):
        assert http.get("/" + asset).status_code == 200, asset
    assert http.get("/ui/../app.py").status_code == 404


def test_runs_carry_their_latest_metrics(client):
    http, store = client
    pipeline(store)
    runs = http.get("/api/v1/ui/runs", params={"filter": "type = 'Train'"}).json()["items"]
    assert [(r["name"], r["metrics"]) for r in runs] == [("train", {"loss": pytest.approx(1 / 3)})]
    assert runs[0]["duration"] is not None


def test_a_bad_filter_is_a_400_with_where(client):
    http, _ = client
    answer = http.get("/api/v1/ui/runs", params={"filter": "status = "})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "filter_syntax"
    assert answer.json()["error"]["column"] >= 1


def test_the_graph_walks_each_way_to_its_own_depth(client):
    http, store = client
    nodes = pipeline(store)

    def ids(**depths):
        answer = http.get("/api/v1/ui/graph", params={"ref": "model:clf@production", **depths})
        assert answer.status_code == 200, answer.text
        return {n["id"]: n for n in answer.json()["nodes"]}

    assert set(ids(up="0", down="0")) == {nodes["model"].id}
    assert set(ids(up="1", down="0")) == {nodes["model"].id, nodes["train"].id}
    everything = ids(up="all", down="all")
    assert set(everything) == {n.id for n in store.lineage("model:clf@production", direction="both").nodes}
    assert everything[nodes["train"].id]["depth"] == -1
    assert [c["label"] for c in everything[nodes["model"].id]["classifications"]] == ["PII"]
    assert everything[nodes["model"].id]["classifications"][0]["origin"] == "dataset:raw@1"


@pytest.mark.parametrize("depth", ["-1", "x", "51", ""])
def test_a_bad_depth_is_a_400(client, depth):
    http, _ = client
    answer = http.get("/api/v1/ui/graph", params={"ref": "exec:1", "up": depth})
    assert answer.status_code == 400
    assert "up must be a whole number" in answer.json()["error"]["message"]


def test_an_unknown_node_is_a_404(client):
    http, _ = client
    answer = http.get("/api/v1/ui/node", params={"ref": "dataset:nothing"})
    assert answer.status_code == 404
    assert "nothing" in answer.json()["error"]["message"]


def test_a_node_lists_its_neighbours(client):
    http, store = client
    nodes = pipeline(store)
    node = http.get("/api/v1/ui/node", params={"ref": nodes["train"].ref}).json()
    assert {(n["ref"], n["direction"]) for n in node["neighbours"]} == {
        ("dataset:raw@1", "upstream"), ("model:clf@1", "downstream")}


def test_datasets_group_versions(client):
    http, store = client
    pipeline(store)
    [raw] = http.get("/api/v1/ui/datasets").json()["items"]
    assert (raw["latest"]["ref"], raw["versions"], raw["rows"], raw["columns"]) == ("dataset:raw@2", 2, 12, 3)
    versions = http.get("/api/v1/ui/dataset", params={"name": "raw"}).json()["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert [v["producer"] for v in versions] == [None, None]


def test_models_show_aliases_metrics_and_deployments(client):
    http, store = client
    pipeline(store)
    [clf] = http.get("/api/v1/ui/models").json()["items"]
    assert clf["aliases"] == {"production": 1}
    assert clf["versions"][0]["aliases"] == ["production"]
    assert clf["versions"][0]["metrics"] == {"loss": pytest.approx(1 / 3)}
    assert [d["properties"]["endpoint"] for d in clf["deployments"]] == ["http://serve/clf"]


def test_compare_needs_two_references(client):
    http, store = client
    nodes = pipeline(store)
    assert http.get("/api/v1/ui/compare", params={"ref": nodes["train"].ref}).status_code == 400
    both = http.get("/api/v1/ui/compare", params={"ref": ["dataset:raw@1", "dataset:raw@2"]}).json()
    assert both["refs"] == ["dataset:raw@1", "dataset:raw@2"]
    assert any(row["differs"] for row in both["rows"])


def test_once_a_user_exists_the_data_needs_a_token_but_the_page_does_not(client):
    http, store = client
    pipeline(store)
    store.add_user("ada")
    store.add_member("default", "ada", "viewer")
    token = store.create_token("ada").token

    assert http.get("/").status_code == 200
    assert http.get("/ui/js/api.js").status_code == 200
    for route in ("runs", "graph?ref=exec:1", "node?ref=exec:1", "datasets", "dataset?name=raw", "models",
                  "compare?ref=exec:1&ref=exec:1"):
        assert http.get(f"/api/v1/ui/{route}").status_code == 401, route
    answer = http.get("/api/v1/ui/runs", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json()["items"]
