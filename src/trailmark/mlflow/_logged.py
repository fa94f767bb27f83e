"""MLflow 3 logged models (what ``mlflow.<flavor>.log_model`` creates) and run inputs.

A logged model is PENDING while its files upload through the artifact proxy; finalizing it
as READY logs a Model artifact (digest over its files, uri its ``mlflow-artifacts:/`` folder)
as an OUTPUT of its source run. Dataset inputs become Dataset artifacts linked as INPUT,
the ``mlflow.data.context`` tag giving the role (training, eval).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from trailmark import hashing
from trailmark.mlflow import _experiments, _files
from trailmark.mlflow._errors import invalid, missing
from trailmark.mlflow._json import millis, tag_dict, tag_list
from trailmark.mlflow._tx import read, write
from trailmark.store.sql._audit import Change
from trailmark.store.sql._mlflow_tables import logged_models
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import executions

READY, PENDING = "LOGGED_MODEL_READY", "LOGGED_MODEL_PENDING"


def _get(store: SqlStore, model_id: str) -> Any:
    with read(store) as conn:
        row = conn.execute(select(logged_models).where(
            logged_models.c.id == model_id, logged_models.c.project_id == store._project_id)).first()
    if row is None:
        raise missing(f"Logged model with ID '{model_id}' not found.")
    return row


def _prefix(experiment_id: str, model_id: str) -> str:
    return f"{experiment_id}/models/{model_id}/artifacts"


def to_json(store: SqlStore, row: Any) -> dict[str, Any]:
    exp_id = _experiments.experiment_id(_experiments.row_by_id(store, _exp_text(store, row.experiment_id)))
    run_uid = None
    if row.run_id is not None:
        with read(store) as conn:
            run_uid = conn.execute(select(executions.c.uid).where(executions.c.id == row.run_id)).scalar()
    info = {
        "model_id": row.id, "experiment_id": exp_id, "name": row.name,
        "artifact_uri": f"mlflow-artifacts:/{_prefix(exp_id, row.id)}",
        "creation_timestamp_ms": millis(row.created_at), "last_updated_timestamp_ms": millis(row.updated_at),
        "status": row.status, "tags": tag_list(row.tags), "model_type": row.model_type or "",
        **({"source_run_id": run_uid} if run_uid else {}),
    }
    return {"info": info, "data": {"params": tag_list(row.params), "metrics": []}}


def _exp_text(store: SqlStore, context_id: int) -> str:
    from trailmark.store.sql._tables import contexts

    with read(store) as conn:
        name = conn.execute(select(contexts.c.name).where(contexts.c.id == context_id)).scalar()
    return _experiments.DEFAULT_ID if name == _experiments.DEFAULT_NAME else str(context_id)


def create(store: SqlStore, body: Mapping[str, Any], run_of: Any) -> dict[str, Any]:
    experiment = _experiments.row_by_id(store, body.get("experiment_id"))
    run = run_of(store, body["source_run_id"]) if body.get("source_run_id") else None
    model_id = "m-" + uuid.uuid4().hex
    now = store.clock.now()
    values = {"id": model_id, "project_id": store._project_id, "experiment_id": experiment.id, "run_id": run,
              "name": str(body.get("name") or "model"), "status": PENDING, "model_type": body.get("model_type"),
              "params": tag_dict(body.get("params"), "params"), "tags": tag_dict(body.get("tags")),
              "created_at": now, "updated_at": now}

    def work(conn: Connection) -> None:
        conn.execute(logged_models.insert().values(**values))

    write(store, work, audit=lambda _: Change("mlflow.logged_model", f"model:{values['name']}", {"id": model_id}))
    return to_json(store, _get(store, model_id))


def update(store: SqlStore, model_id: str, *, status: Any = None, tags: Mapping[str, str] | None = None,
           params: Mapping[str, str] | None = None, drop_tag: str | None = None) -> dict[str, Any]:
    """Finalize, tag or add params to a logged model; READY logs its Model artifact (once)."""
    row = _get(store, model_id)
    changes: dict[str, Any] = {"updated_at": store.clock.now()}
    if tags or drop_tag:
        merged = {**row.tags, **(tags or {})}
        merged.pop(drop_tag or "", None)
        changes["tags"] = merged
    if params:
        changes["params"] = {**row.params, **params}
    if status is not None:
        if status not in (READY, "LOGGED_MODEL_UPLOAD_FAILED", PENDING, "READY", "FAILED"):
            raise invalid(f"Invalid value {status!r} for parameter 'status' supplied")
        changes["status"] = READY if status == "READY" else status
    if changes.get("status") == READY and row.artifact_id is None:
        changes["artifact_id"] = _log_artifact(store, row)

    def work(conn: Connection) -> None:
        conn.execute(logged_models.update().where(logged_models.c.id == model_id).values(**changes))

    audit = {k: v for k, v in changes.items() if k != "updated_at"}
    write(store, work, audit=lambda _: Change("mlflow.logged_model", f"model:{row.name}", audit))
    return to_json(store, _get(store, model_id))


def _log_artifact(store: SqlStore, row: Any) -> int:
    exp_id = _exp_text(store, row.experiment_id)
    prefix = _prefix(exp_id, row.id)
    digest = _files.tree_digest(store, prefix) or hashing.digest_bytes(row.id.encode())
    properties = {"mlflow": {"model_id": row.id, "model_type": row.model_type, "params": row.params}}
    artifact = store.log_artifact("Model", row.name, f"mlflow-artifacts:/{prefix}", digest=digest,
                                  properties=properties)
    if row.run_id is not None:
        store.link(row.run_id, outputs=[artifact])
    return artifact.id


def artifact_uri(store: SqlStore, source: str) -> str:
    """Where a model version's files are: a ``models:/m-...`` source is its logged model's folder."""
    if source.startswith("models:/m-"):
        model_id = source.removeprefix("models:/").split("/", 1)[0]
        return str(to_json(store, _get(store, model_id))["info"]["artifact_uri"])
    return source


def search(store: SqlStore, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    ids = [int(_experiments.row_by_id(store, e).id) for e in body.get("experiment_ids") or []]
    query = select(logged_models).where(logged_models.c.project_id == store._project_id)
    if ids:
        query = query.where(logged_models.c.experiment_id.in_(ids))
    with read(store) as conn:
        rows = list(conn.execute(query.order_by(logged_models.c.created_at.desc())))
    from trailmark.mlflow._screen import logged

    return [to_json(store, r) for r in logged(store, rows, refuse=False)]


def log_inputs(store: SqlStore, execution_id: int, datasets: Any) -> None:
    """Dataset inputs of a run: Dataset artifacts (one version per MLflow digest) linked as INPUT.

    All in one transaction (each artifact and link audited as when logged alone): all or nothing.
    """
    if not isinstance(datasets, list):
        raise invalid(f"Invalid value {datasets!r} for parameter 'datasets' supplied")
    found = []
    for item in datasets:
        dataset = item.get("dataset") if isinstance(item, dict) else None
        if not isinstance(dataset, dict) or not dataset.get("name") or not dataset.get("digest"):
            raise invalid("Missing value for required parameter 'datasets.dataset' (name and digest)")
        role = tag_dict(item.get("tags")).get("mlflow.data.context")
        info = {k: dataset[k] for k in ("digest", "source_type", "source", "schema", "profile") if dataset.get(k)}
        found.append((dataset, role, info))
    with store.batch():
        for dataset, role, info in found:
            artifact = store.log_artifact(
                "Dataset", str(dataset["name"]), _source_uri(dataset.get("source")),
                digest=hashing.digest_bytes(json.dumps({"name": dataset["name"], **info}, sort_keys=True).encode()),
                properties={"mlflow": info},
            )
            store.link(execution_id, inputs=[artifact], roles={artifact.id: role} if role else None)


def _source_uri(source: Any) -> str | None:
    try:
        found = json.loads(source) if isinstance(source, str) else None
    except ValueError:
        return None
    uri = found.get("uri") or found.get("url") if isinstance(found, dict) else None
    return uri if isinstance(uri, str) and "://" in uri else None
