"""MLflow's tracking routes: experiments, runs, metrics, params, tags, batches, inputs, searches."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from trailmark.mlflow import _experiments, _lean, _logged, _runs, _screen, _search, _view
from trailmark.mlflow._errors import invalid
from trailmark.mlflow._json import tag_dict
from trailmark.server._series_json import mlflow_history
from trailmark.server.mlflow._route import MlflowRoutes, principal_user
from trailmark.store.sql import SqlStore

Body = dict[str, Any]


def _required(body: Body, key: str) -> Any:
    value = body.get(key)
    if value is None or value == "":
        raise invalid(f"Missing value for required parameter '{key}'. See the API docs for more information about "
                      "request parameters.")
    return value


# -- experiments ----------------------------------------------------------------------------


def create_experiment(store: SqlStore, body: Body, _: Request) -> Body:
    return {"experiment_id": _experiments.create(store, _required(body, "name"), tag_dict(body.get("tags")))}


def get_experiment(store: SqlStore, body: Body, _: Request) -> Body:
    return {"experiment": _experiments.get(store, _required(body, "experiment_id"))}


def get_experiment_by_name(store: SqlStore, body: Body, _: Request) -> Body:
    name = _required(body, "experiment_name")
    row = _experiments.row_by_name(store, name)
    if row is None:
        from trailmark.mlflow._errors import missing

        raise missing(f"Could not find experiment with name '{name}'")
    return {"experiment": _experiments.get(store, _experiments.experiment_id(row))}


def search_experiments(store: SqlStore, body: Body, _: Request) -> Body:
    found, token = _search.search_experiments(store, body)
    return {"experiments": found, **({"next_page_token": token} if token else {})}


def update_experiment(store: SqlStore, body: Body, _: Request) -> Body:
    _experiments.rename(store, _required(body, "experiment_id"), body.get("new_name"))
    return {}


def delete_experiment(store: SqlStore, body: Body, _: Request) -> Body:
    _experiments.set_lifecycle(store, _required(body, "experiment_id"), "deleted")
    return {}


def restore_experiment(store: SqlStore, body: Body, _: Request) -> Body:
    _experiments.set_lifecycle(store, _required(body, "experiment_id"), "active")
    return {}


def set_experiment_tag(store: SqlStore, body: Body, _: Request) -> Body:
    _experiments.set_tag(store, _required(body, "experiment_id"), _required(body, "key"), str(body.get("value", "")))
    return {}


def delete_experiment_tag(store: SqlStore, body: Body, _: Request) -> Body:
    _experiments.set_tag(store, _required(body, "experiment_id"), _required(body, "key"), None)
    return {}


# -- runs -----------------------------------------------------------------------------------


def create_run(store: SqlStore, body: Body, request: Request) -> Body:
    return {"run": _view.run_json(_runs.create(store, body, user=principal_user(request)))}


def get_run(store: SqlStore, body: Body, _: Request) -> Body:
    view = _runs.view(store, body.get("run_id") or body.get("run_uuid"))
    return {"run": _view.run_json(_screen.runs(store, [view], refuse=True)[0])}


def update_run(store: SqlStore, body: Body, _: Request) -> Body:
    return {"run_info": _view.run_info(_runs.update(store, body))}


def delete_run(store: SqlStore, body: Body, _: Request) -> Body:
    _runs.set_lifecycle(store, _required(body, "run_id"), deleted=True)
    return {}


def restore_run(store: SqlStore, body: Body, _: Request) -> Body:
    _runs.set_lifecycle(store, _required(body, "run_id"), deleted=False)
    return {}


def search_runs(store: SqlStore, body: Body, _: Request) -> Body:
    views, token = _search.search_runs(store, body)
    views = _screen.runs(store, views, refuse=False, audit=False)  # the search hid restricted runs and audited
    return {"runs": [_view.run_json(v) for v in views], **({"next_page_token": token} if token else {})}


def log_metric(store: SqlStore, body: Body, _: Request) -> Body:
    _required(body, "key")
    metric = {k: body.get(k) for k in ("key", "value", "timestamp", "step")}
    _runs.log_batch(store, {"run_id": body.get("run_id") or body.get("run_uuid"), "metrics": [metric]})
    return {}


def log_param(store: SqlStore, body: Body, _: Request) -> Body:
    _required(body, "key")
    param = {"key": body.get("key"), "value": body.get("value")}
    _runs.log_batch(store, {"run_id": body.get("run_id") or body.get("run_uuid"), "params": [param]})
    return {}


def set_tag(store: SqlStore, body: Body, _: Request) -> Body:
    _required(body, "key")
    tag = {"key": body.get("key"), "value": body.get("value")}
    _runs.log_batch(store, {"run_id": body.get("run_id") or body.get("run_uuid"), "tags": [tag]})
    return {}


def delete_tag(store: SqlStore, body: Body, _: Request) -> Body:
    _runs.delete_tag(store, _required(body, "run_id"), _required(body, "key"))
    return {}


def log_batch(store: SqlStore, body: Body, _: Request) -> Body:
    _runs.log_batch(store, body)
    return {}


def log_inputs(store: SqlStore, body: Body, _: Request) -> Body:
    execution = _lean.execution(store, _required(body, "run_id"))
    _logged.log_inputs(store, execution.id, body.get("datasets") or [])
    return {}


def log_outputs(store: SqlStore, body: Body, _: Request) -> Body:
    execution = _lean.execution(store, _required(body, "run_id"))
    for output in body.get("models") or []:
        model = _logged._get(store, str(output.get("model_id")))
        if model.artifact_id is not None:
            store.link(execution.id, outputs=[int(model.artifact_id)])
    return {}


def get_metric_history(store: SqlStore, body: Body, _: Request) -> Response:
    _screen.run_ids(store, [str(body.get("run_id") or body.get("run_uuid") or "")])
    series = _runs.metric_series(store, body.get("run_id") or body.get("run_uuid"), body.get("metric_key"))
    size = int(body.get("max_results") or 25_000)  # the page written from the columns, no dict per point
    return Response(mlflow_history(series, body.get("page_token"), size), media_type="application/json")


def get_metric_history_bulk_interval(store: SqlStore, body: Body, _: Request) -> Body:
    run_ids = body.get("run_ids") or []
    if not run_ids:
        raise invalid("GetMetricHistoryBulkInterval request must specify at least one run_id.")
    if len(run_ids) > 100:
        raise invalid(f"GetMetricHistoryBulkInterval request cannot specify more than 100 run_ids. Received "
                      f"{len(run_ids)} run_ids.")
    _screen.run_ids(store, [str(r) for r in run_ids])
    start, end = body.get("start_step"), body.get("end_step")
    most = int(body.get("max_results") or 320)
    found: list[dict[str, Any]] = []
    for run_id in run_ids:
        points = _runs.metric_history(store, run_id, _required(body, "metric_key"))
        points = [p for p in points if (start is None or p["step"] >= int(start)) and
                  (end is None or p["step"] <= int(end))]
        if len(points) > most:  # evenly spaced, keeping the first and the last, as MLflow samples
            picks = {round(i * (len(points) - 1) / (most - 1)) for i in range(most)} if most > 1 else {0}
            points = [p for i, p in enumerate(points) if i in picks]
        found.extend({**p, "run_id": run_id} for p in points)
    return {"metrics": found}


def install(routes: MlflowRoutes, prefix: str) -> None:
    for path, methods, handler, write in (
        ("/experiments/create", ["POST"], create_experiment, True),
        ("/experiments/get", ["GET"], get_experiment, False),
        ("/experiments/get-by-name", ["GET"], get_experiment_by_name, False),
        ("/experiments/search", ["POST", "GET"], search_experiments, False),
        ("/experiments/update", ["POST"], update_experiment, True),
        ("/experiments/delete", ["POST"], delete_experiment, True),
        ("/experiments/restore", ["POST"], restore_experiment, True),
        ("/experiments/set-experiment-tag", ["POST"], set_experiment_tag, True),
        ("/experiments/delete-experiment-tag", ["POST"], delete_experiment_tag, True),
        ("/runs/create", ["POST"], create_run, True),
        ("/runs/get", ["GET"], get_run, False),
        ("/runs/update", ["POST"], update_run, True),
        ("/runs/delete", ["POST"], delete_run, True),
        ("/runs/restore", ["POST"], restore_run, True),
        ("/runs/search", ["POST", "GET"], search_runs, False),
        ("/runs/log-metric", ["POST"], log_metric, True),
        ("/runs/log-parameter", ["POST"], log_param, True),
        ("/runs/set-tag", ["POST"], set_tag, True),
        ("/runs/delete-tag", ["POST"], delete_tag, True),
        ("/runs/log-batch", ["POST"], log_batch, True),
        ("/runs/log-inputs", ["POST"], log_inputs, True),
        ("/runs/outputs", ["POST"], log_outputs, True),
        ("/metrics/get-history", ["GET"], get_metric_history, False),
        ("/metrics/get-history-bulk-interval", ["GET"], get_metric_history_bulk_interval, False),
    ):
        routes.add(prefix + path, methods, handler, write=write)
