"""Restricted labels on the MLflow, Marquez, OpenLineage, metrics and automation read routes:
role x route x label over a real server on loopback, on each SQL backend."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

import trailmark as tm  # noqa: E402
from tests.server.live import serve_in_thread  # noqa: E402
from trailmark.server.app import create_app  # noqa: E402

MLFLOW = "/api/2.0/mlflow"
# What only the restricted nodes hold: none of it may reach a viewer.
SECRETS = ("secret-run", "hidden-param-value", "secret_metric", "secret-model", "secret_table", "hidden-facet-value",
           "secret-input", "secret_col", "secret-job")


@dataclass
class World:
    url: str
    tokens: dict[str, str]
    store: tm.Store
    experiment: str
    secret_run: str  # MLflow run ids
    open_run: str
    secret_exec: int
    secret_model: str  # logged model id


def _ol_event(job: str, run_id: str, inputs: list[dict], outputs: list[dict], facet: str) -> dict:
    return {"eventType": "COMPLETE", "eventTime": "2026-12-01T10:00:00Z", "producer": "https://example.com/test",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": run_id, "facets": {"note": {"_producer": "https://example.com/test",
                                                         "_schemaURL": "https://example.com/note", "text": facet}}},
            "job": {"namespace": "warehouse", "name": job}, "inputs": inputs, "outputs": outputs}


def _column_facet(column: str, source: str, source_column: str) -> dict:
    return {"columnLineage": {
        "_producer": "https://example.com/test",
        "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/ColumnLineageDatasetFacet.json",
        "fields": {column: {"inputFields": [{"namespace": "warehouse", "name": source, "field": source_column}]}}}}


@pytest.fixture
def world(store_uri: str, tmp_path: Path, monkeypatch) -> Iterator[World]:
    """Project vision (ana admin, ed editor, vic viewer) with PII restricted to editors, holding over MLflow a
    secret run (a param, a metric, a file, a registered version, a logged model) and an open run that read a
    restricted dataset; over OpenLineage a secret job writing secret_table; both runs in one experiment."""
    monkeypatch.delenv("TRAILMARK_AUTH", raising=False)
    with tm.connect(store_uri, project="vision") as store:
        tokens = {}
        for user, role in (("ana", "admin"), ("ed", "editor"), ("vic", "viewer")):
            store.add_user(user)
            store.add_member("vision", user, role)
            tokens[user] = store.create_token(user).token
        app = create_app(store_uri, artifacts=(tmp_path / "root").as_uri())
        with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as ed:
            ed.headers.update({"Authorization": f"Bearer {tokens['ed']}", "X-Trailmark-Project": "vision"})

            def call(method: str, path: str, **kwargs) -> dict:
                response = ed.request(method, path, **kwargs)
                assert response.status_code == 200, response.text
                return response.json()

            exp = call("POST", f"{MLFLOW}/experiments/create", json={"name": "board"})["experiment_id"]
            runs = {}
            for name, param, metric in (("secret-run", "hidden-param-value", "secret_metric"),
                                        ("open-run", "plain", "open_metric")):
                run = call("POST", f"{MLFLOW}/runs/create", json={"experiment_id": exp, "run_name": name,
                                                                    "start_time": 1_700_000_000_000})["run"]
                uid = run["info"]["run_id"]
                call("POST", f"{MLFLOW}/runs/log-batch", json={"run_id": uid, "params": [{"key": "p", "value": param}],
                     "metrics": [{"key": metric, "value": 0.5, "timestamp": 1_700_000_000_000, "step": 0},
                                 {"key": "acc", "value": 0.9 if name == "secret-run" else 0.7,
                                  "timestamp": 1_700_000_000_000, "step": 0}]})
                runs[name] = uid
            dataset = {"name": "secret-input", "digest": "abc", "source_type": "local", "source": "{}"}
            call("POST", f"{MLFLOW}/runs/log-inputs", json={"run_id": runs["open-run"], "datasets": [
                {"dataset": dataset, "tags": [{"key": "mlflow.data.context", "value": "training"}]}]})
            put = ed.put(f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{runs['secret-run']}/artifacts/notes.txt",
                         content=b"hidden-file-bytes")
            assert put.status_code == 200, put.text
            call("POST", f"{MLFLOW}/registered-models/create", json={"name": "secret-model"})
            call("POST", f"{MLFLOW}/model-versions/create", json={"name": "secret-model", "source": "s3://b/m",
                                                                    "run_id": runs["secret-run"]})
            logged = call("POST", f"{MLFLOW}/logged-models", json={"experiment_id": exp, "name": "secret-model",
                                                                     "source_run_id": runs["secret-run"]})
            for uid in runs.values():
                call("POST", f"{MLFLOW}/runs/update", json={"run_id": uid, "status": "FINISHED"})
            call("POST", "/api/v1/lineage", json=_ol_event(
                "open-job", "0b0c1d2e-0000-4000-8000-000000000001", [{"namespace": "warehouse", "name": "src"}],
                [{"namespace": "warehouse", "name": "open_table"}], "plain-facet"))
            call("POST", "/api/v1/lineage", json=_ol_event(
                "secret-job", "0b0c1d2e-0000-4000-8000-000000000002",
                [{"namespace": "warehouse", "name": "open_table"}],
                [{"namespace": "warehouse", "name": "secret_table",
                  "facets": _column_facet("secret_col", "open_table", "id")}], "hidden-facet-value"))

            secret_exec = store.search("name = 'secret-run'", kind="executions").items[0]
            store.classify(secret_exec, "PII")  # propagates to its model version and logged model
            store.classify(store.openlineage_dataset("warehouse", "secret_table"), "PII")
            ol_run = next(j.latest_run for j in store.openlineage_jobs("warehouse") if j.name == "secret-job")
            store.classify(ol_run, "PII")
            store.classify(store.search("name = 'secret-input'").items[0], "PII", propagate=False)
            store.restrict("PII", min_role="editor")
            yield World(url, tokens, store, exp, runs["secret-run"], runs["open-run"], secret_exec.id,
                        logged["model"]["info"]["model_id"])


def _routes(w: World) -> list[tuple[str, str, dict, bool]]:
    """(method, path, request, direct): a direct read of a hidden node is refused, a listing leaves it out."""
    secret, exp = w.secret_run, w.experiment
    return [
        ("GET", f"{MLFLOW}/runs/get", {"params": {"run_id": secret}}, True),
        ("POST", f"{MLFLOW}/runs/search", {"json": {"experiment_ids": [exp]}}, False),
        ("GET", f"{MLFLOW}/runs/get", {"params": {"run_id": w.open_run}}, False),  # its restricted input left out
        ("GET", f"{MLFLOW}/metrics/get-history", {"params": {"run_id": secret, "metric_key": "secret_metric"}}, True),
        ("GET", f"{MLFLOW}/metrics/get-history-bulk-interval",
         {"params": {"run_ids": secret, "metric_key": "acc"}}, True),
        ("GET", f"{MLFLOW}/artifacts/list", {"params": {"run_id": secret}}, True),
        ("GET", f"/api/2.0/mlflow-artifacts/artifacts/{exp}/{secret}/artifacts/notes.txt", {}, True),
        ("GET", "/api/2.0/mlflow-artifacts/artifacts", {"params": {"path": f"{exp}/{secret}/artifacts"}}, True),
        ("GET", f"{MLFLOW}/registered-models/search", {}, False),
        ("GET", f"{MLFLOW}/model-versions/search", {"params": {"filter": "name = 'secret-model'"}}, False),
        ("GET", f"{MLFLOW}/logged-models/{w.secret_model}", {}, True),
        ("POST", f"{MLFLOW}/logged-models/search", {"json": {"experiment_ids": [exp]}}, False),
        ("GET", f"/api/v1/executions/exec:{w.secret_exec}/metrics", {}, True),
        ("GET", "/api/v1/namespaces/warehouse/datasets", {}, False),
        ("GET", "/api/v1/namespaces/warehouse/jobs", {}, False),
        ("GET", "/api/v1/lineage", {"params": {"nodeId": "dataset:warehouse:src"}}, False),
        ("GET", "/api/v1/lineage", {"params": {"nodeId": "dataset:warehouse:secret_table"}}, True),
        ("GET", "/api/v1/column-lineage",
         {"params": {"nodeId": "dataset:warehouse:open_table", "withDownstream": "true"}}, False),
        ("GET", "/api/v1/events/lineage", {}, False),
        ("GET", "/api/v1/openlineage/events", {}, False),
        ("GET", "/api/v1/openlineage/datasets", {"params": {"namespace": "warehouse"}}, False),
        ("GET", "/api/v1/openlineage/dataset", {"params": {"namespace": "warehouse", "name": "secret_table"}}, True),
        ("GET", "/api/v1/openlineage/jobs", {"params": {"namespace": "warehouse"}}, False),
        ("GET", f"/api/v1/openlineage/runs/exec:{w.secret_exec}", {}, True),
        ("GET", "/api/v1/columns/dataset:open_table@1", {"params": {"direction": "downstream"}}, False),
        ("GET", "/api/v1/ui/leaderboard", {"params": {"experiment": "board", "metric": "acc"}}, False),
    ]


def _as(w: World, user: str) -> httpx.Client:
    return httpx.Client(base_url=w.url, timeout=30, headers={
        "Authorization": f"Bearer {w.tokens[user]}", "X-Trailmark-Project": "vision"})


@pytest.mark.parametrize("user, sees", [("vic", False), ("ed", True), ("ana", True)])
def test_restricted_nodes_stay_hidden_on_the_mlflow_marquez_openlineage_and_automation_routes(world, user, sees):
    shown: set[str] = set()
    with _as(world, user) as client:
        for method, path, request, direct in _routes(world):
            response = client.request(method, path, **request)
            body = response.text
            context = f"{method} {path} {request} as {user}: {response.status_code} {body[:300]}"
            assert response.status_code < 500, context
            if sees or not direct:
                assert response.status_code == 200, context
            else:
                assert response.status_code == 403, context
                error = response.json()
                assert error.get("error_code") == "PERMISSION_DENIED" or error["error"]["code"] == "permission"
            if sees:
                shown.update(s for s in SECRETS if s in body)
            else:
                asked = f"{path} {request}"  # a refusal may name what was asked for, nothing more
                assert not [s for s in (*SECRETS, "hidden-file-bytes") if s in body and s not in asked], context
    if sees:  # the same routes do show the restricted content to a role that may read it
        assert shown == set(SECRETS)


def test_a_visible_run_keeps_its_open_content(world):
    with _as(world, "vic") as client:
        run = client.get(f"{MLFLOW}/runs/get", params={"run_id": world.open_run}).json()["run"]
        assert run["data"]["params"] == [{"key": "p", "value": "plain"}]
        assert run["inputs"]["dataset_inputs"] == []
        found = client.post(f"{MLFLOW}/runs/search", json={"experiment_ids": [world.experiment]}).json()["runs"]
        assert [r["info"]["run_name"] for r in found] == ["open-run"]
        board = client.get("/api/v1/ui/leaderboard", params={"experiment": "board", "metric": "acc"}).json()
        assert [r["value"] for r in board["rows"]] == [0.7]
        jobs = client.get("/api/v1/namespaces/warehouse/jobs").json()
        assert [j["name"] for j in jobs["jobs"]] == ["open-job"] and jobs["totalCount"] == 1
        assert jobs["jobs"][0]["outputs"] == [{"namespace": "warehouse", "name": "open_table"}]
        datasets = client.get("/api/v1/namespaces/warehouse/datasets").json()
        assert sorted(d["name"] for d in datasets["datasets"]) == ["open_table", "src"]
        graph = client.get("/api/v1/lineage", params={"nodeId": "dataset:warehouse:src"}).json()["graph"]
        placeholders = [n["id"] for n in graph if "(restricted)" in n["id"]]
        assert len(graph) == 5 and len(placeholders) == 2, "the restricted job and dataset stay, as placeholders"


@pytest.mark.parametrize("path, params", [
    (f"{MLFLOW}/runs/get", "run"),
    (f"{MLFLOW}/metrics/get-history", "history"),
    ("/api/v1/namespaces/warehouse/jobs", None),
    ("/api/v1/events/lineage", None),
    # routes that read through several store calls: their reads are gathered into one entry
    ("/api/v1/lineage", "graph"),
    ("/api/v1/ui/leaderboard", "board"),
    ("/api/v1/openlineage/runs/exec:{secret}", "export"),
])
def test_a_read_of_classified_nodes_is_audited_once_per_request(world, path, params):
    path = path.format(secret=world.secret_exec)
    query = {"run": {"run_id": world.secret_run},
             "history": {"run_id": world.secret_run, "metric_key": "acc"},
             "graph": {"nodeId": "dataset:warehouse:src"},
             "board": {"experiment": "board", "metric": "acc"}}.get(params or "", {})
    before = len(world.store.audit.log(limit=10_000))
    with _as(world, "ed") as client:
        assert client.get(path, params=query).status_code == 200
    time.sleep(0.05)
    entries = world.store.audit.log(limit=10_000)[before:]
    assert [(e.action, e.actor) for e in entries] == [("read", "ed")]
    usage = world.store.audit.usage(f"exec:{world.secret_exec}") if params in ("run", "history", "board",
                                                                                "export") else []
    assert not usage or ("read", "ed") in {(u.action, u.actor) for u in usage}
