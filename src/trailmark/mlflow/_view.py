"""Runs as MLflow shows them: executions loaded in bulk with their latest metrics, tags,
experiment and dataset inputs, and turned into MLflow's ``Run`` JSON."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from trailmark.entities import Execution
from trailmark.mlflow._experiments import DEFAULT_ID, DEFAULT_NAME, EXPERIMENT
from trailmark.mlflow._json import millis, param_text, tag_list
from trailmark.mlflow._tx import read
from trailmark.store.sql import _executions
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import (
    artifacts,
    context_members,
    contexts,
    events,
    executions,
    latest_metrics,
    tags,
)

STATUS_TO_MLFLOW = {"RUNNING": "RUNNING", "COMPLETE": "FINISHED", "FAILED": "FAILED"}
KILLED = "KILLED"  # the error text of a run MLflow ended as KILLED


@dataclasses.dataclass
class RunView:
    """One execution and what MLflow shows with it."""

    execution: Execution
    experiment_id: str = DEFAULT_ID
    metrics: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    tags: dict[str, str] = dataclasses.field(default_factory=dict)
    inputs: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    parent_uid: str | None = None
    input_ids: list[int] = dataclasses.field(default_factory=list)  # the artifacts of ``inputs``, in order


def load(store: SqlStore, ids: Sequence[int]) -> list[RunView]:
    """Views of the executions ``ids``, in that order, in five queries whatever their number."""
    if not ids:
        return []
    with read(store) as conn:
        found = {e.id: RunView(e) for e in _executions.load_executions(conn, executions.c.id.in_(ids))}
        for row in conn.execute(
            select(context_members.c.node_id, contexts.c.id, contexts.c.name)
            .join(contexts, contexts.c.id == context_members.c.context_id)
            .where(context_members.c.node_id.in_(ids), contexts.c.type == EXPERIMENT)
        ):
            found[row.node_id].experiment_id = DEFAULT_ID if row.name == DEFAULT_NAME else str(row.id)
        for row in conn.execute(select(latest_metrics).where(latest_metrics.c.execution_id.in_(ids))):
            found[row.execution_id].metrics.append(
                {"key": row.key, "value": row.value, "timestamp": millis(row.timestamp), "step": row.step}
            )
        for row in conn.execute(select(tags).where(tags.c.node_id.in_(ids)).order_by(tags.c.key)):
            found[row.node_id].tags[row.key] = row.value
        for event in conn.execute(
            select(events.c.target_id, events.c.source_id, events.c.role, artifacts.c.name, artifacts.c.digest,
                   artifacts.c.properties)
            .join(artifacts, artifacts.c.id == events.c.source_id)
            .where(events.c.target_id.in_(ids), events.c.kind == "INPUT", artifacts.c.type == "Dataset")
            .order_by(events.c.id)
        ):
            found[event.target_id].inputs.append(_dataset_input(event))
            found[event.target_id].input_ids.append(event.source_id)
        parents = {v.execution.parent_id for v in found.values() if v.execution.parent_id is not None}
        if parents:
            query = select(executions.c.id, executions.c.uid).where(executions.c.id.in_(parents))
            uids = dict(conn.execute(query).all())
            for view in found.values():
                view.parent_uid = uids.get(view.execution.parent_id)
    return [found[i] for i in ids if i in found]


def _dataset_input(row: Any) -> dict[str, Any]:
    mlflow = (row.properties or {}).get("mlflow") or {}
    dataset = {
        "name": row.name,
        "digest": mlflow.get("digest") or row.digest.removeprefix("sha256:")[:8],
        "source_type": mlflow.get("source_type") or "trailmark",
        "source": mlflow.get("source") or "{}",
    }
    for key in ("schema", "profile"):
        if mlflow.get(key):
            dataset[key] = mlflow[key]
    context = [{"key": "mlflow.data.context", "value": row.role}] if row.role else []
    return {"tags": context, "dataset": dataset}


def status_of(execution: Execution) -> str:
    status = STATUS_TO_MLFLOW[str(execution.status)]
    if status == "FAILED" and execution.error == KILLED:
        return KILLED
    return status


def run_tags(view: RunView) -> dict[str, str]:
    """Stored tags, with the ones MLflow derives from fields set from those fields."""
    e = view.execution
    found = dict(view.tags)
    found["mlflow.runName"] = e.name
    if e.created_by:
        found["mlflow.user"] = e.created_by
    if view.parent_uid:
        found["mlflow.parentRunId"] = view.parent_uid
    if e.type != "Run":
        found.setdefault("trailmark.type", e.type)
    return found


def run_info(view: RunView) -> dict[str, Any]:
    e = view.execution
    return {
        "run_id": e.uid,
        "run_uuid": e.uid,
        "run_name": e.name,
        "experiment_id": view.experiment_id,
        "user_id": e.created_by or "",
        "status": status_of(e),
        "start_time": millis(e.started_at),
        "end_time": millis(e.ended_at),
        "artifact_uri": f"mlflow-artifacts:/{view.experiment_id}/{e.uid}/artifacts",
        "lifecycle_stage": e.lifecycle,
    }


def run_json(view: RunView) -> dict[str, Any]:
    params = [{"key": k, "value": param_text(v)} for k, v in sorted(view.execution.params.items())]
    return {
        "info": run_info(view),
        "data": {"metrics": view.metrics, "params": params, "tags": tag_list(run_tags(view))},
        "inputs": {"dataset_inputs": view.inputs},
    }
