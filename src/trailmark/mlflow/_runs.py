"""MLflow runs on Trailmark: executions (run_id is ``execution.uid``), written in one audited
transaction per call, with MLflow's checks and limits (see docs/mlflow.md for where we differ)."""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from trailmark.entities import Metric, Status
from trailmark.mlflow import _experiments, _lean
from trailmark.mlflow._errors import invalid, missing
from trailmark.mlflow._json import from_millis
from trailmark.mlflow._tx import read, write
from trailmark.mlflow._view import KILLED, RunView, load
from trailmark.store._series import MetricSeries
from trailmark.store.sql import _executions, _metric_columns, _metrics, _state
from trailmark.store.sql._audit import Change
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import context_members, executions, tags
from trailmark.store.sql._upsert import upsert

MAX_METRICS, MAX_PARAMS, MAX_TAGS = 1000, 100, 100
MAX_PARAM_VALUE, MAX_TAG_VALUE, MAX_KEY = 6000, 8000, 250
FROM_MLFLOW = {"RUNNING": None, "SCHEDULED": None, "FINISHED": Status.COMPLETE, "FAILED": Status.FAILED,
               KILLED: Status.FAILED}
_WORDS = ("amber", "brisk", "calm", "deft", "eager", "fleet", "grand", "hardy", "keen", "lucid", "merry", "noble")
_ANIMALS = ("otter", "heron", "lynx", "finch", "bison", "crane", "gecko", "ibex", "koala", "lemur", "moth", "newt")


def run_id_of(store: SqlStore, run_id: Any) -> int:
    """The execution id of an MLflow run_id (its uid); RESOURCE_DOES_NOT_EXIST when unknown."""
    if not isinstance(run_id, str) or not run_id:
        raise invalid("Missing value for required parameter 'run_id'. See the API docs for more information about "
                      "request parameters.")
    with read(store) as conn:
        found = conn.execute(
            select(executions.c.id).where(executions.c.uid == run_id, executions.c.project_id == store._project_id)
        ).scalar()
    if found is None:
        raise missing(f"Run '{run_id}' not found")
    return int(found)


def view(store: SqlStore, run_id: Any) -> RunView:
    return load(store, [run_id_of(store, run_id)])[0]


def create(store: SqlStore, body: Mapping[str, Any], *, user: str | None) -> RunView:
    """``runs/create``: a RUNNING execution in the experiment, its tags mapped onto fields."""
    row = _experiments.row_by_id(store, body.get("experiment_id") or _experiments.DEFAULT_ID)
    if row.lifecycle != "active":
        raise invalid(f"The experiment {_experiments.experiment_id(row)} must be in the 'active' state. "
                      "Current state is deleted.")
    tag_values = _check_tags(_tag_items(body.get("tags")))
    name = body.get("run_name") or tag_values.get("mlflow.runName") or _random_name()
    tag_values["mlflow.runName"] = name
    started = from_millis(body.get("start_time"), "start_time") or store.clock.now()
    parent_uid = tag_values.get("mlflow.parentRunId")
    parent = run_id_of(store, parent_uid) if parent_uid else None
    type = tag_values.get("trailmark.type") or "Run"
    commit = tag_values.get("mlflow.source.git.commit")
    environment = {"git": {"commit": commit}} if commit else {}
    actor = user or tag_values.get("mlflow.user") or body.get("user_id") or store.actor
    written = _insert(store, row.id, type, name, started, parent, environment, actor, tag_values)
    execution = _executions.execution_of(written, store.project)  # no metrics, params nor inputs yet
    return RunView(execution, _experiments.experiment_id(row), tags=dict(sorted(tag_values.items())),
                   parent_uid=parent_uid if parent is not None else None)


def _insert(store: SqlStore, context_id: int, type: str, name: str, started: datetime, parent: int | None,
            environment: dict[str, Any], actor: str, tag_values: dict[str, str]) -> dict[str, Any]:
    """Insert the run's execution, its membership of the experiment and its tags; every column as written."""
    from trailmark.store import _validate

    _validate.type_name(type)
    _validate.node_name(name)

    def work(conn: Connection) -> dict[str, Any]:
        return _insert_rows(conn, store, context_id, type=type, name=name, started=started, parent=parent,
                            environment=environment, actor=actor, tag_values=tag_values, uid=None)

    def state(conn: Connection, row: dict[str, Any]) -> _state.State | None:
        return _state.with_keyed(conn, _state.execution_created(conn, row, []), "tags", _tag_rows(tag_values))

    payload = {"type": type, "name": name, "context": context_id, "tags": tag_values, "created_by": actor}
    return write(store, work, audit=lambda row: Change("execution.start", f"exec:{row['id']}", payload, node=row["id"],
                                                       state=lambda conn, _: state(conn, row)))


def _insert_rows(conn: Connection, store: SqlStore, context_id: int, *, type: str, name: str, started: datetime,
                 parent: int | None, environment: dict[str, Any], actor: str, tag_values: dict[str, str],
                 uid: str | None) -> dict[str, Any]:
    """A run's execution row, its membership of the experiment and its tags; the row's every column as written."""
    row = _executions.insert_execution_row(
        conn, project_id=store._project_id, type=type, name=name, params_={}, environment=environment,
        environment_id=None, actor=actor, now=started, parent_id=parent, uid=uid,
    )
    upsert(conn, context_members, {"context_id": context_id, "node_id": row["id"]}, keys=["context_id", "node_id"])
    if tag_values:
        conn.execute(tags.insert(), [{"node_id": row["id"], "key": k, "value": v} for k, v in tag_values.items()])
    return row


def _tag_rows(values: Mapping[str, str]) -> list[list[Any]]:
    """Tags as a node's audited state lists them: ``[key, value]``."""
    return [[k, v] for k, v in values.items()]


def update(store: SqlStore, body: Mapping[str, Any]) -> RunView:
    """``runs/update``: end the run (FINISHED, FAILED, KILLED) and/or rename it; the answer is built, not reloaded."""
    execution = _lean.execution(store, body.get("run_id") or body.get("run_uuid"))
    status = body.get("status")
    if status is not None and status not in FROM_MLFLOW:
        raise invalid(f"Invalid value {status!r} for parameter 'status' supplied")
    final = FROM_MLFLOW.get(status) if status else None
    ended = from_millis(body.get("end_time"), "end_time")
    new_name = body.get("run_name")
    changed: dict[str, Any] = {}

    def work(conn: Connection) -> dict[str, Any]:
        """The columns written, as stored."""
        changed.clear()  # a write that is run again starts over
        columns: dict[str, Any] = {}
        if new_name and new_name != execution.name:
            conn.execute(executions.update().where(executions.c.id == execution.id).values(name=new_name))
            upsert(conn, tags, {"node_id": execution.id, "key": "mlflow.runName", "value": new_name},
                   keys=["node_id", "key"], update=["value"])
            changed["name"] = columns["name"] = new_name
        if final is not None and execution.status == Status.RUNNING:
            error = KILLED if status == KILLED else None
            changed.update(status=final, ended_at=ended or store.clock.now(), error=error)
            columns.update(_executions.finish_row(conn, execution.id, status=final, ended_at=changed["ended_at"],
                                                  resources={}, error=changed["error"]))
        return columns

    def state(conn: Connection, prior: _state.State | None, columns: dict[str, Any]) -> _state.State | None:
        after = _state.with_row(conn, prior, columns)
        return _state.with_keyed(conn, after, "tags", [["mlflow.runName", new_name]]) if "name" in changed else after

    payload = {"status": status, "name": new_name}
    write(store, work, audit=lambda columns: Change(
        "execution.end" if final else "execution.update", execution.ref, payload, node=execution.id,
        state=lambda conn, prior: state(conn, prior, columns)))
    return RunView(dataclasses.replace(execution, **changed), _lean.experiment_id(store, execution.id))


def log_batch(store: SqlStore, body: Mapping[str, Any]) -> None:
    """``runs/log-batch`` (and log-metric, log-parameter, set-tag): one transaction, all or nothing."""
    execution = _lean.execution(store, body.get("run_id") or body.get("run_uuid"))
    metrics, params, tag_items = body.get("metrics") or [], body.get("params") or [], body.get("tags") or []
    for label, items, most in (("metrics", metrics, MAX_METRICS), ("params", params, MAX_PARAMS),
                               ("tags", tag_items, MAX_TAGS)):
        if not isinstance(items, list):
            raise invalid(f"Invalid value {items!r} for parameter '{label}' supplied")
        if len(items) > most:
            raise invalid(f"A batch logging request can contain at most {most} {label}. Got {len(items)} {label}. "
                          f"Please split up {label} across multiple requests and try again.")
    if execution.lifecycle != "active":
        raise invalid(f"The run {execution.uid} must be in the 'active' state. Current state is deleted.")
    points = [_metric(m) for m in metrics]
    new_params = _check_params(params, execution.params, execution.uid)
    tag_values = _check_tags(_tag_items(tag_items))
    if (points or new_params) and execution.status != Status.RUNNING:
        raise invalid(f"The run {execution.uid} has ended ({execution.status.value}): Trailmark keeps an ended "
                      "run's params and metrics as they were (tags may still change)")

    def work(conn: Connection) -> dict[str, Any]:
        """The columns written, as stored."""
        columns: dict[str, Any] = {}
        if new_params:
            columns["params"] = _executions.add_params(conn, execution.id, new_params)
        _metrics.insert_points(conn, execution.id, points)
        if tag_values:
            upsert(conn, tags, [{"node_id": execution.id, "key": k, "value": v} for k, v in tag_values.items()],
                   keys=["node_id", "key"], update=["value"])
        if "mlflow.runName" in tag_values:
            columns["name"] = tag_values["mlflow.runName"]
            conn.execute(executions.update().where(executions.c.id == execution.id).values(name=columns["name"]))
        return columns

    def state(conn: Connection, prior: _state.State | None, columns: dict[str, Any]) -> _state.State | None:
        after = _state.with_row(conn, prior, columns) if columns else prior
        if new_params:
            after = _state.with_keyed(conn, after, "params", _executions.state_params(new_params))
        return _state.with_keyed(conn, after, "tags", _tag_rows(tag_values)) if tag_values else after

    payload = {"metrics": [[p.key, p.value, p.step] for p in points], "params": new_params, "tags": tag_values}
    write(store, work, audit=lambda columns: Change("mlflow.log_batch", execution.ref, payload, node=execution.id,
                                                    state=lambda conn, prior: state(conn, prior, columns)))


def _metric(item: Any) -> Metric:
    if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
        raise invalid("Missing value for required parameter 'key'. See the API docs for more information about "
                      "request parameters.")
    value = item.get("value")
    if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
        value = float(value.replace("Infinity", "inf"))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(f"Invalid value {value!r} for parameter 'value' supplied: metric values must be numbers")
    if item.get("timestamp") is None:
        raise invalid("Missing value for required parameter 'timestamp'. See the API docs for more information "
                      "about request parameters.")
    step = item.get("step") or 0
    if isinstance(step, bool) or not isinstance(step, int):
        raise invalid(f"Invalid value {step!r} for parameter 'step' supplied: expected an integer")
    _check_key(item["key"], "metric")
    when = from_millis(item["timestamp"], "timestamp")
    assert when is not None
    return Metric(item["key"], float(value) if not math.isnan(float(value)) else math.nan, step, when)


def _check_params(items: list[Any], current: Mapping[str, Any], uid: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
            raise invalid("Missing value for required parameter 'key'.")
        key, value = item["key"], "" if item.get("value") is None else str(item["value"])
        _check_key(key, "param")
        if len(value) > MAX_PARAM_VALUE:
            raise invalid(f"Param value '{value[:100]}...' had length {len(value)}, which exceeded length limit of "
                          f"{MAX_PARAM_VALUE}")
        old = current.get(key, found.get(key))
        if old is not None and str(old) != value:
            raise invalid(f"Changing param values is not allowed. Param with key='{key}' was already logged with "
                          f"value='{old}' for run ID='{uid}'. Attempted logging new value '{value}'.")
        if key not in current:
            found[key] = value
    return found


def _tag_items(items: Any) -> dict[str, str]:
    from trailmark.mlflow._json import tag_dict

    return tag_dict(items)


def _check_tags(values: dict[str, str]) -> dict[str, str]:
    for key, value in values.items():
        _check_key(key, "tag")
        if len(value) > MAX_TAG_VALUE:
            raise invalid(f"Tag value '{value[:100]}...' had length {len(value)}, which exceeded length limit of "
                          f"{MAX_TAG_VALUE}")
    return values


def _check_key(key: str, what: str) -> None:
    if len(key) > MAX_KEY:
        raise invalid(f"{what.capitalize()} name '{key[:100]}...' had length {len(key)}, which exceeded length "
                      f"limit of {MAX_KEY}")
    if "\x00" in key or key.startswith("/") or ".." in key.split("/"):
        raise invalid(f"Invalid {what} name: '{key}'. Names may be treated as files in certain cases, and must not "
                      "resolve to other names when treated as such.")


def delete_tag(store: SqlStore, run_id: Any, key: Any) -> None:
    found = view(store, run_id)
    execution = found.execution
    if not isinstance(key, str) or not key:
        raise invalid("Missing value for required parameter 'key'.")
    if key not in found.tags:
        raise missing(f"No tag with name: {key} in run with id {execution.uid}")
    store.delete_tag(execution.id, key)


def set_lifecycle(store: SqlStore, run_id: Any, deleted: bool) -> None:
    execution = _lean.execution(store, run_id)
    if deleted:
        if execution.lifecycle != "deleted":
            store.delete(execution.id)
    elif execution.lifecycle == "deleted":
        store.restore(execution.id)


def metric_series(store: SqlStore, run_id: Any, key: Any) -> MetricSeries:
    """One metric of a run as columns (MLflow's get-history), ordered by step and time."""
    if not isinstance(key, str) or not key:
        raise invalid("Missing value for required parameter 'metric_key'.")
    with read(store) as conn:
        return _metric_columns.load(conn, run_id_of(store, run_id), key)


def metric_history(store: SqlStore, run_id: Any, key: Any) -> list[dict[str, Any]]:
    series = metric_series(store, run_id, key)
    return [{"key": k, "value": v, "timestamp": t, "step": s}
            for k, v, s, t in zip(series.keys, series.values, series.steps, series.millis(), strict=True)]


def _random_name() -> str:
    return f"{random.choice(_WORDS)}-{random.choice(_ANIMALS)}-{random.randint(100, 999)}"  # noqa: S311 - a label


def import_run(store: SqlStore, context_id: int, run: Any, series: dict[str, list[Metric]]) -> int:
    """Copy one MLflow run (an ``mlflow.entities.Run``) in one transaction, its uid, times and user kept."""
    from trailmark.store import _validate

    info, data = run.info, run.data
    tag_values = dict(data.tags)
    name = info.run_name or tag_values.get("mlflow.runName") or info.run_id
    type = tag_values.get("trailmark.type") or "Run"
    _validate.type_name(type)
    _validate.node_name(name)
    commit = tag_values.get("mlflow.source.git.commit")
    started = from_millis(info.start_time, "start_time") or store.clock.now()
    ended = from_millis(info.end_time, "end_time")
    final = FROM_MLFLOW.get(info.status)
    points = [p for key in sorted(series) for p in series[key]]

    def work(conn: Connection) -> int:
        new = int(_insert_rows(
            conn, store, context_id, type=type, name=name, started=started, parent=None,
            environment={"git": {"commit": commit}} if commit else {},
            actor=tag_values.get("mlflow.user") or info.user_id or store.actor, tag_values=tag_values, uid=info.run_id,
        )["id"])
        if data.params:
            _executions.add_params(conn, new, dict(data.params))
        _metrics.insert_points(conn, new, points)
        if final is not None:
            _executions.finish(conn, new, status=final, ended_at=ended or started, resources={},
                               error=KILLED if info.status == KILLED else None)
        if info.lifecycle_stage == "deleted":
            conn.execute(executions.update().where(executions.c.id == new).values(lifecycle="deleted"))
        return new

    payload = {"run_id": info.run_id, "name": name, "params": dict(data.params), "tags": tag_values,
               "metrics": len(points)}
    return int(write(store, work, audit=lambda new: Change("mlflow.import_run", f"exec:{new}", payload)))


def set_parent(store: SqlStore, child: int, parent: int) -> None:
    def work(conn: Connection) -> None:
        conn.execute(executions.update().where(executions.c.id == child).values(parent_id=parent))

    write(store, work, audit=lambda _: Change("execution.parent", f"exec:{child}", {"parent": f"exec:{parent}"}))
