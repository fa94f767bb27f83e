"""The real mlflow client against a real trailmark server: experiments, runs, batches, searches, errors."""

from __future__ import annotations

import time

import httpx
import pytest
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException, RestException

import trailmark as tm


def _code(info: pytest.ExceptionInfo[MlflowException]) -> str:
    return str(info.value.error_code)


def test_experiments_end_to_end(client):
    exp_id = client.create_experiment("house-prices", tags={"team": "pricing"})
    other = client.create_experiment("house-rentals")
    client.create_experiment("cars")
    assert client.get_experiment(exp_id).tags == {"team": "pricing"}
    assert client.get_experiment_by_name("house-rentals").experiment_id == other
    assert client.get_experiment_by_name("nope") is None

    found = client.search_experiments(filter_string="name LIKE 'house%'", order_by=["name ASC"])
    assert [e.name for e in found] == ["house-prices", "house-rentals"]
    first = client.search_experiments(max_results=2, order_by=["name ASC"])
    rest = client.search_experiments(max_results=2, order_by=["name ASC"], page_token=first.token)
    assert [e.name for e in first] + [e.name for e in rest] == ["Default", "cars", "house-prices", "house-rentals"]
    assert client.search_experiments(filter_string="tags.team = 'pricing'")[0].experiment_id == exp_id

    client.rename_experiment(other, "flats")
    client.set_experiment_tag(exp_id, "stage", "beta")
    assert client.get_experiment(other).name == "flats"
    assert client.get_experiment(exp_id).tags["stage"] == "beta"
    client.delete_experiment(other)
    assert client.get_experiment(other).lifecycle_stage == "deleted"
    assert "flats" not in [e.name for e in client.search_experiments()]
    assert [e.name for e in client.search_experiments(view_type=ViewType.DELETED_ONLY)] == ["flats"]
    client.restore_experiment(other)
    assert client.get_experiment(other).lifecycle_stage == "active"

    with pytest.raises(RestException) as info:
        client.create_experiment("cars")
    assert _code(info) == "RESOURCE_ALREADY_EXISTS"
    with pytest.raises(RestException) as info:
        client.get_experiment("987654")
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"


def test_log_batch_at_its_limits(server, client):
    run_id = client.create_run(client.create_experiment("limits")).info.run_id
    now = int(time.time() * 1000)
    client.log_batch(run_id, metrics=[Metric("loss", 1.0 / (i + 1), now, i) for i in range(1000)],
                     params=[Param(f"p{i}", str(i)) for i in range(100)],
                     tags=[RunTag(f"t{i}", "x") for i in range(100)])
    run = client.get_run(run_id)
    assert len(run.data.params) == 100 and run.data.metrics["loss"] == pytest.approx(1 / 1000)
    assert len(client.get_metric_history(run_id, "loss")) == 1000
    # The client splits larger batches itself; the server refuses one request past a limit, storing none of it.
    metric = {"key": "m", "value": 1.0, "timestamp": now, "step": 0}
    with httpx.Client(base_url=server + "/api/2.0/mlflow") as http:
        for field, items in (("metrics", [metric] * 1001),
                             ("params", [{"key": f"q{i}", "value": "v"} for i in range(101)]),
                             ("tags", [{"key": f"u{i}", "value": "v"} for i in range(101)])):
            answer = http.post("/runs/log-batch", json={"run_id": run_id, "metrics": [metric], field: items})
            assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
            assert f"at most {1000 if field == 'metrics' else 100} {field}" in answer.json()["message"]
    assert "m" not in client.get_run(run_id).data.metrics, "a refused batch stores nothing"
    with pytest.raises(MlflowException, match="Changing param values is not allowed") as info:
        client.log_param(run_id, "p1", "other")
    assert _code(info) == "INVALID_PARAMETER_VALUE"
    client.log_param(run_id, "p1", "1")  # the same value again is fine


@pytest.mark.slow
def test_search_runs_with_mlflow_filters(client):
    exp_id = client.create_experiment("search")
    now = int(time.time() * 1000)
    runs = {}
    for name, rmse, depth, team, status in (("rf-deep", 28000.0, "10", "pricing", "FINISHED"),
                                            ("rf-shallow", 45000.0, "2", "pricing", "FAILED"),
                                            ("gbm", 31000.0, "6", "rentals", "FINISHED")):
        run_id = client.create_run(exp_id, run_name=name, start_time=now, tags={"team": team}).info.run_id
        client.log_batch(run_id, metrics=[Metric("rmse", rmse, now, 0)], params=[Param("max_depth", depth)])
        client.set_terminated(run_id, status=status)
        runs[name] = run_id
        now += 1000

    def names(filter_string: str, **kwargs) -> list[str]:
        found = client.search_runs([exp_id], filter_string=filter_string, **kwargs)
        return [r.info.run_name for r in found]

    assert names("metrics.rmse < 35000", order_by=["metrics.rmse ASC"]) == ["rf-deep", "gbm"]
    assert names("params.max_depth = '2'") == ["rf-shallow"]
    assert names("tags.team = 'pricing' and metrics.rmse > 30000") == ["rf-shallow"]
    assert sorted(names("attributes.run_name LIKE 'rf-%'")) == ["rf-deep", "rf-shallow"]
    assert names("attributes.status = 'FAILED'") == ["rf-shallow"]
    assert sorted(names("params.max_depth IN ('10', '6')")) == ["gbm", "rf-deep"]
    assert names("tags.team NOT IN ('pricing')") == ["gbm"]
    assert names("attributes.run_name ILIKE 'GBM'") == ["gbm"]
    assert names("") == ["gbm", "rf-shallow", "rf-deep"], "newest first by default"
    assert names(f"attributes.run_id = '{runs['gbm']}'") == ["gbm"]
    page = client.search_runs([exp_id], max_results=2, order_by=["attributes.run_name ASC"])
    rest = client.search_runs([exp_id], max_results=2, order_by=["attributes.run_name ASC"], page_token=page.token)
    assert [r.info.run_name for r in page] + [r.info.run_name for r in rest] == ["gbm", "rf-deep", "rf-shallow"]
    assert rest.token is None
    with pytest.raises(RestException) as info:
        client.search_runs([exp_id], filter_string="metrics.rmse < 'cheap'")
    assert _code(info) == "INVALID_PARAMETER_VALUE"
    client.delete_run(runs["gbm"])
    assert "gbm" not in names("")
    assert names("", run_view_type=ViewType.DELETED_ONLY) == ["gbm"]


def test_nested_runs_and_native_runs_read_through_mlflow(server, client, monkeypatch):
    import mlflow

    monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    mlflow.set_experiment("nested")
    try:
        with mlflow.start_run(run_name="sweep") as outer, mlflow.start_run(run_name="trial", nested=True) as inner:
            mlflow.log_metric("score", 0.9)
    finally:
        while mlflow.active_run():
            mlflow.end_run()
    store = tm.connect(server)
    parent, child = store.get(f"run:{outer.info.run_id}"), store.get(f"run:{inner.info.run_id}")
    assert child.parent_id == parent.id
    found = client.search_runs([outer.info.experiment_id], f"tags.mlflow.parentRunId = '{outer.info.run_id}'")
    assert [r.info.run_id for r in found] == [inner.info.run_id]

    with store.run("native-train", type="Train", experiment="nested", params={"depth": 4}) as run:
        run.log_metric("rmse", 12.5, step=3)
    back = client.get_run(run.execution.uid)
    assert back.info.run_name == "native-train" and back.info.status == "FINISHED"
    assert back.data.params == {"depth": "4"} and back.data.metrics == {"rmse": 12.5}
    assert back.data.tags["trailmark.type"] == "Train"
    assert back.info.experiment_id == outer.info.experiment_id
    store.close()


def test_errors_in_mlflow_shape(server, client):
    run_id = client.create_run("0").info.run_id
    with httpx.Client(base_url=server + "/api/2.0/mlflow") as http:
        cases = [
            (http.post("/runs/log-metric", json={"run_id": run_id, "key": "m", "value": "high", "timestamp": 1}),
             400, "INVALID_PARAMETER_VALUE"),
            (http.post("/runs/log-metric", json={"key": "m", "value": 1.0, "timestamp": 1}), 400,
             "INVALID_PARAMETER_VALUE"),
            (http.get("/runs/get", params={"run_id": "0" * 32}), 404, "RESOURCE_DOES_NOT_EXIST"),
            (http.post("/experiments/create", json={}), 400, "INVALID_PARAMETER_VALUE"),
            (http.post("/runs/log-batch", content=b"{not json"), 400, "INVALID_PARAMETER_VALUE"),
            (http.get("/registered-models/get", params={"name": "nope"}), 404, "RESOURCE_DOES_NOT_EXIST"),
        ]
        for response, status, code in cases:
            assert response.status_code == status, response.text
            assert response.json()["error_code"] == code, response.text
            assert "message" in response.json() and "Traceback" not in response.text
    with pytest.raises(RestException) as info:
        client.get_run("f" * 32)
    assert _code(info) == "RESOURCE_DOES_NOT_EXIST"


def test_metric_history_bulk_interval(server, client):
    run_id = client.create_run("0").info.run_id
    now = int(time.time() * 1000)
    client.log_batch(run_id, metrics=[Metric("loss", float(i), now + i, i) for i in range(500)])
    with httpx.Client(base_url=server + "/ajax-api/2.0/mlflow") as http:
        answer = http.get("/metrics/get-history-bulk-interval",
                          params={"run_ids": [run_id], "metric_key": "loss", "max_results": 50}).json()
        steps = [m["step"] for m in answer["metrics"]]
        assert len(steps) == 50 and steps[0] == 0 and steps[-1] == 499
        window = http.get("/metrics/get-history-bulk-interval",
                          params={"run_ids": [run_id], "metric_key": "loss", "start_step": 10, "end_step": 19}).json()
        assert [m["step"] for m in window["metrics"]] == list(range(10, 20))


def test_runs_logged_through_mlflow_are_audited(store_uri, server, client):
    run_id = client.create_run("0", run_name="audited").info.run_id
    client.log_param(run_id, "alpha", "0.1")
    client.set_terminated(run_id)
    with tm.connect(store_uri) as store:
        execution = store.get(f"run:{run_id}")
        actions = [entry.action for entry in store.audit.log(target=execution.ref)]
        assert actions == ["execution.start", "mlflow.log_batch", "execution.end"]
        assert store.audit.verify().ok
