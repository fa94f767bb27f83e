"""The REST API end to end, as curl users see it (the examples of docs/rest.md)."""

from __future__ import annotations

import gzip
import hashlib
import json
from urllib.parse import quote

from fastapi.testclient import TestClient

from trailmark.errors import PermissionDeniedError
from trailmark.server import create_app
from trailmark.server._deps import current_actor

SHA_RAW = "sha256:" + hashlib.sha256(b"raw").hexdigest()


def test_a_pipeline_through_rest(api, project):
    raw = api.post("/artifacts", json={"type": "Dataset", "name": "raw", "uri": "s3://b/raw.csv", "digest": SHA_RAW})
    assert raw.status_code == 200 and raw.json()["ref"] == "dataset:raw@1" and raw.json()["project"] == project
    train = api.post("/executions", json={"type": "Train", "name": "train", "params": {"depth": 3}, "context": "exp"})
    ref = train.json()["ref"]
    model = api.post("/artifacts", json={"type": "Model", "name": "rf", "properties": {"library": "sklearn"}}).json()
    raw_id = raw.json()["id"]
    links = {"inputs": ["dataset:raw"], "outputs": [model["ref"]], "roles": {str(raw_id): "train"}}
    assert api.post(f"/executions/{ref}/links", json=links).status_code == 204
    assert api.post(f"/executions/{ref}/params", json={"params": {"seed": 1}}).status_code == 204
    points = [{"key": "rmse", "value": v, "step": i} for i, v in enumerate([3.0, 2.0])]
    assert api.post(f"/executions/{ref}/metrics", json={"points": points}).status_code == 204
    ended = api.post(f"/executions/{ref}/end", json={"status": "COMPLETE", "resources": {"cpu_seconds": 1}}).json()
    assert ended["status"] == "COMPLETE" and ended["params"] == {"depth": 3, "seed": 1}

    assert [m["value"] for m in api.get(f"/executions/{ref}/metrics", params={"key": "rmse"}).json()] == [3.0, 2.0]
    down = api.get("/lineage/dataset:raw@1", params={"direction": "downstream"}).json()
    assert [n["ref"] for n in down["nodes"]] == ["dataset:raw@1", ref, "model:rf@1"]
    assert [e["role"] for e in down["edges"] if e["source"] == raw_id] == ["train"]
    only_models = api.get("/lineage/dataset:raw", params={"types": ["Model"]}).json()
    assert [n["type"] for n in only_models["nodes"]] == ["Dataset", "Model"]

    assert api.post("/tags/model:rf@1", json={"key": "owner", "value": "ana"}).status_code == 204
    assert api.get("/tags/model:rf@1").json() == {"owner": "ana"}
    move = api.post("/aliases", json={"model": "rf", "alias": "production", "version": 1}).json()
    assert move["version"] == 1 and move["set_by"] == "anonymous"
    assert api.get("/nodes/model:rf@production").json()["id"] == model["id"]
    assert [m["alias"] for m in api.get("/aliases", params={"model": "rf"}).json()] == ["production"]
    assert [a["version"] for a in api.get("/series/Model/rf").json()] == [1]
    assert [c["name"] for c in api.get("/contexts", params={"type": "Experiment"}).json()] == ["exp"]
    found = api.get("/search", params={"filter": "params.depth = 3", "kind": "executions"}).json()
    assert [e["ref"] for e in found["items"]] == [ref] and found["next_page_token"] is None


def test_the_server_never_reads_a_uri(api, tmp_path):
    secret = tmp_path / "server-side.txt"
    secret.write_text("content the server must not hash")
    logged = api.post("/artifacts", json={"type": "Dataset", "name": "f", "uri": secret.as_uri()}).json()
    assert logged["digest"] != "sha256:" + hashlib.sha256(secret.read_bytes()).hexdigest()
    same = api.post("/artifacts", json={"type": "Dataset", "name": "f", "uri": secret.as_uri()}).json()
    assert same["id"] == logged["id"]


def test_names_with_slashes_and_odd_characters(api):
    for name in ("warehouse/orders", "a#b?c%d"):
        made = api.post("/artifacts", json={"type": "Dataset", "name": name, "digest": SHA_RAW}).json()
        path = quote(f"dataset:{name}@1", safe=":@/")
        assert api.get(f"/nodes/{path}").json()["id"] == made["id"]
        assert api.get(f"/series/Dataset/{quote(name, safe='/')}").json()[0]["id"] == made["id"]
        assert api.post(f"/tags/{path}", json={"key": "k", "value": "v"}).status_code == 204


def test_project_from_query_overrides_header(api, project, live_server):
    api.put("/projects/other-" + project)
    artifact = {"type": "Dataset", "name": "x", "digest": SHA_RAW}
    api.post("/artifacts", json=artifact, params={"project": "other-" + project})
    assert api.get("/search").json()["items"] == []
    assert len(api.get("/search", params={"project": "other-" + project}).json()["items"]) == 1
    assert api.get(f"/projects/{project}").json() == {"name": project}


def test_gzip_bodies_are_inflated(api):
    body = gzip.compress(json.dumps({"type": "Dataset", "name": "z", "digest": SHA_RAW}).encode())
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    response = api.post("/artifacts", content=body, headers=headers)
    assert response.status_code == 200 and response.json()["name"] == "z"


def test_healthz(live_server):
    import httpx

    assert httpx.get(live_server + "/healthz").json()["status"] == "ok"


def test_every_api_route_asks_who_is_calling(tmp_path):
    """Access control replaces ``current_actor``: make it refuse, and every API route refuses."""

    def refuse() -> None:
        raise PermissionDeniedError("no entry")

    app = create_app(f"sqlite:///{tmp_path / 't.db'}")
    app.dependency_overrides[current_actor] = refuse
    spec = app.openapi()
    with TestClient(app) as client:
        for path, operations in spec["paths"].items():
            for method in operations:
                response = client.request(method, path.replace("{", "").replace("}", ""), json={})
                expected = 200 if path == "/healthz" else 403
                assert response.status_code == expected, (method, path, response.text)


def test_openapi_documents_errors_and_bearer_tokens(tmp_path):
    spec = create_app(f"sqlite:///{tmp_path / 't.db'}").openapi()
    assert len(spec["paths"]) >= 15
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "422" not in operation["responses"], (method, path)
            if path.startswith("/api/v1"):
                error = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
                assert error == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_search_and_node_answers_are_their_response_models(api):
    """Sent past FastAPI's response model (by orjson), the answers still validate against it, big integers too."""
    from pydantic import TypeAdapter

    from trailmark.server.schemas import NodeOut, PageOut

    run = api.post("/executions", json={"type": "Train", "name": "big", "params": {"seed": 2**70, "lr": 0.5}}).json()
    api.post("/artifacts", json={"type": "Dataset", "name": "d", "digest": SHA_RAW, "properties": {"rows": 3}})
    for kind in ("executions", "artifacts"):
        page = api.get("/search", params={"kind": kind}).json()
        assert TypeAdapter(PageOut).validate_python(page).items
    node = api.get(f"/nodes/{run['ref']}").json()
    assert TypeAdapter(NodeOut).validate_python(node).params == {"seed": 2**70, "lr": 0.5}
