"""Every bad input is a 4xx with ``{"error": {"code", "message"}}``: never a 500, never a traceback."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.server.conftest import error_of

SHA = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    "path, status, code, fragment",
    [
        ("/nodes/dataset:missing", 404, "not_found", "no dataset named 'missing'"),
        ("/nodes/exec:999999999", 404, "not_found", "no execution exec:999999999"),
        ("/nodes/sha256:xyz", 400, "invalid", "cannot read reference"),
        ("/nodes/data set:x", 400, "invalid", "cannot read reference"),
        ("/nodes/", 400, "invalid", "cannot read reference"),
        ("/nodes/²", 400, "invalid", "cannot read reference"),
        ("/nodes/" + "9" * 30, 400, "invalid", "an id is at most"),
        ("/nodes/dataset:x@3000000000", 400, "invalid", "a version is at most"),
        ("/lineage/dataset:missing", 404, "not_found", "no dataset named 'missing'"),
        ("/lineage/dataset:x?direction=sideways", 400, "invalid", "invalid direction 'sideways'"),
        ("/lineage/dataset:x?depth=-1", 400, "invalid", "depth must be a whole number"),
        ("/lineage/dataset:x?depth=two", 400, "invalid", "query.depth"),
        ("/search?kind=everything", 400, "invalid", "unknown search kind 'everything'"),
        ("/search?limit=0", 400, "invalid", "limit must be a whole number"),
        ("/search?page_token=forged", 400, "invalid", "page token"),
        ("/executions/exec:999999999/metrics", 404, "not_found", "exec:999999999"),
        (f"/packages/{SHA}", 404, "not_found", "no environment"),
        ("/aliases", 400, "invalid", "query.model: Field required"),
        ("/no/such/route", 404, "not_found", "no route GET /api/v1/no/such/route"),
    ],
)
def test_bad_reads(api, path, status, code, fragment):
    assert fragment in error_of(api.get(path), status, code)


def test_a_bad_filter_says_where(api):
    response = api.get("/search", params={"filter": "type = 'Model' and metrics.rmse <"})
    message = error_of(response, 400, "filter_syntax")
    assert "column" in message
    assert response.json()["error"]["line"] == 1 and response.json()["error"]["column"] > 20


def test_an_ambiguous_reference_lists_candidates(api):
    for name, tail in (("a", "0"), ("b", "1")):
        api.post("/artifacts", json={"type": "Dataset", "name": name, "digest": "sha256:" + "ab" * 4 + tail * 56})
    response = api.get("/nodes/sha256:abababab")
    error_of(response, 400, "ambiguous_ref")
    assert sorted(response.json()["error"]["candidates"]) == ["dataset:a@1", "dataset:b@1"]


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"name": "x"}, "body.type: Field required"),
        ({"type": "Dataset", "name": 5}, "body.name: Input should be a valid string"),
        ({"type": "Data set", "name": "x"}, "invalid type 'Data set'"),
        ({"type": "Dataset", "name": "x", "digest": "md5:1"}, "invalid digest"),
        ({"type": "Dataset", "name": "x", "properties": [1]}, "body.properties"),
        ({"type": "Dataset", "name": "x", "uri": "relative/path.csv"}, "has no scheme"),
    ],
)
def test_bad_payloads(api, body, fragment):
    assert fragment in error_of(api.post("/artifacts", json=body), 400, "invalid")
    assert api.get("/search").json()["items"] == []


def test_malformed_json_and_wrong_content(api):
    headers = {"Content-Type": "application/json"}
    assert "JSON" in error_of(api.post("/artifacts", content=b"{not json", headers=headers), 400, "invalid")
    error_of(api.post("/artifacts", content=b"[]", headers=headers), 400, "invalid")
    error_of(api.post("/artifacts", content=b"type=Dataset"), 400, "invalid")


def test_broken_gzip_body(api):
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    assert "gzip" in error_of(api.post("/lineage", content=b"not gzip at all", headers=headers), 400, "invalid")
    truncated = gzip.compress(b'{"a": 1}')[:-6]
    error_of(api.post("/lineage", content=truncated, headers=headers), 400, "invalid")


def test_writes_that_clash_are_conflicts(api):
    ref = api.post("/executions", json={"type": "Train", "name": "t"}).json()["ref"]
    assert api.post(f"/executions/{ref}/end", json={}).status_code == 200
    assert "already ended" in error_of(api.post(f"/executions/{ref}/end", json={}), 409, "conflict")
    late = api.post(f"/executions/{ref}/params", json={"params": {"a": 1}})
    assert "already ended" in error_of(late, 409, "conflict")


def test_bad_metric_batches_store_nothing(api):
    ref = api.post("/executions", json={"type": "Train", "name": "t"}).json()["ref"]
    points = [{"key": "loss", "value": 1.0, "step": 0}, {"key": "loss", "value": 2.0, "step": -1}]
    assert "step" in error_of(api.post(f"/executions/{ref}/metrics", json={"points": points}), 400, "invalid")
    error_of(api.post(f"/executions/{ref}/metrics", json={"points": [{"key": "x", "value": "high"}]}), 400, "invalid")
    assert api.get(f"/executions/{ref}/metrics").json() == []


def test_unknown_project(live_server):
    import httpx

    with httpx.Client(base_url=live_server + "/api/v1") as client:
        response = client.get("/contexts", headers={"X-Trailmark-Project": "never-made"})
        assert "no project 'never-made'" in error_of(response, 404, "not_found")
        error_of(client.get("/search", params={"project": "has space"}), 400, "invalid")


def test_method_not_allowed_keeps_allow_header(api):
    response = api.delete("/artifacts")
    error_of(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


HOSTILE = [
    ("POST", "/artifacts", {"type": "Dataset", "name": "a\x00b"}),
    ("POST", "/artifacts", {"type": "Dataset", "name": "p", "properties": {"k": "a\x00"}}),
    ("PUT", "/projects/" + "p" * 250, None),
    ("POST", "/aliases", {"model": "m", "alias": "a" * 150, "version": 1}),
    ("POST", "/aliases", {"model": "m", "alias": "prod", "version": 2**40}),
    ("POST", "/executions/exec:EXEC/links", {"inputs": ["model:m"], "roles": {"ID": "r" * 150}}),
    ("POST", "/executions/exec:EXEC/metrics", {"points": [{"key": "x", "value": 1, "step": 2**70}]}),
    ("GET", "/lineage/model:m?depth=" + "9" * 25, None),
    ("POST", "/tags/model:m", {"key": "k", "value": "\x00"}),
    ("GET", "/search?filter=name%20%3D%20%27a%00%27", None),
]


def test_values_a_database_cannot_hold_are_never_a_server_error(store_uri):
    """Too long, out of range, NUL bytes: 4xx on every backend (PostgreSQL refuses what SQLite keeps)."""
    from fastapi.testclient import TestClient

    from trailmark.server import create_app

    with TestClient(create_app(store_uri)) as client:
        model = client.post("/api/v1/artifacts", json={"type": "Model", "name": "m"}).json()
        execution = client.post("/api/v1/executions", json={"type": "Train", "name": "t"}).json()
        for method, path, body in HOSTILE:
            path = path.replace("EXEC", str(execution["id"]))
            body = json.loads(json.dumps(body).replace('"ID"', f'"{model["id"]}"')) if body else None
            response = client.request(method, "/api/v1" + path, json=body)
            assert response.status_code < 500, (method, path, response.text)
            if response.status_code >= 400:
                assert set(response.json()) == {"error"}, response.text
