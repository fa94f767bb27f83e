"""MLflow's model registry on Trailmark's: a registered model is a model series (its row holds
MLflow's description and tags), a version is a Model artifact that is an OUTPUT of its run,
an alias is a registry alias with its history; stages are the aliases ``staging``,
``production`` and ``archived``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select

from trailmark import hashing
from trailmark.entities import Artifact
from trailmark.mlflow._errors import exists, invalid, missing
from trailmark.mlflow._json import millis, tag_dict, tag_list
from trailmark.mlflow._tx import read, write
from trailmark.store.sql._audit import Change
from trailmark.store.sql._mlflow_tables import registered_models
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import events, executions

STAGES = {"staging": "Staging", "production": "Production", "archived": "Archived"}


def _row(store: SqlStore, name: str) -> Any | None:
    with read(store) as conn:
        return conn.execute(select(registered_models).where(
            registered_models.c.project_id == store._project_id, registered_models.c.name == name)).first()


def _name(value: Any, field: str = "name") -> str:
    if not isinstance(value, str) or not value:
        raise invalid(f"Missing value for required parameter '{field}'. See the API docs for more information about "
                      "request parameters.")
    return value


def versions(store: SqlStore, name: str) -> list[Artifact]:
    return [a for a in store.versions("Model", name) if a.lifecycle != "deleted"]


def _aliases(store: SqlStore, name: str) -> dict[str, int]:
    current: dict[str, int] = {}
    for move in store.alias_history(name):
        if move.version is None:
            current.pop(move.alias, None)
        else:
            current[move.alias] = move.version
    return current


def _require(store: SqlStore, name: str) -> Any:
    row = _row(store, name)
    if row is None and not versions(store, name):
        raise missing(f"Registered Model with name={name} not found")
    return row


def create(store: SqlStore, body: Mapping[str, Any]) -> dict[str, Any]:
    name = _name(body.get("name"))
    from trailmark.store import _validate

    _validate.node_name(name, "model name")
    tags = tag_dict(body.get("tags"))
    if _row(store, name) is not None:
        raise exists(f"Registered Model (name={name}) already exists.")
    now = store.clock.now()

    def work(conn: Connection) -> None:
        conn.execute(registered_models.insert().values(
            project_id=store._project_id, name=name, description=body.get("description"), tags=tags,
            created_at=now, updated_at=now))

    write(store, work, audit=lambda _: Change("model.register", f"model:{name}", {"tags": tags}))
    return model_json(store, name)


def update(store: SqlStore, name: str, **values: Any) -> None:
    """Change a registered model's description or tags (its row is made for a series that had none)."""
    row = _require(store, name)
    now = store.clock.now()

    def work(conn: Connection) -> None:
        if row is None:
            conn.execute(registered_models.insert().values(project_id=store._project_id, name=name, description=None,
                                                           tags={}, created_at=now, updated_at=now))
        conn.execute(registered_models.update().where(
            registered_models.c.project_id == store._project_id, registered_models.c.name == name
        ).values(updated_at=now, **values))

    write(store, work, audit=lambda _: Change("model.update", f"model:{name}", values))


def set_tag(store: SqlStore, name: str, key: str, value: str | None) -> None:
    row = _require(store, name)
    tags = dict(row.tags) if row is not None else {}
    if value is None:
        tags.pop(key, None)
    else:
        tags[key] = value
    update(store, name, tags=tags)


def delete_model(store: SqlStore, name: str) -> None:
    """Soft-delete every version (they stay in lineage) and drop the registered model's row."""
    _require(store, name)
    for version in versions(store, name):
        store.delete(version.id)

    def work(conn: Connection) -> None:
        conn.execute(delete(registered_models).where(
            registered_models.c.project_id == store._project_id, registered_models.c.name == name))

    write(store, work, audit=lambda _: Change("model.unregister", f"model:{name}", {}))


def model_json(store: SqlStore, name: str) -> dict[str, Any]:
    row = _require(store, name)
    found = versions(store, name)
    aliases = _aliases(store, name)
    created = row.created_at if row is not None else found[0].created_at
    updated = row.updated_at if row is not None else found[-1].created_at
    latest = [version_json(store, found[-1], aliases)] if found else []
    return {
        "name": name,
        "creation_timestamp": millis(created),
        "last_updated_timestamp": millis(updated),
        "description": (row.description if row is not None else None) or "",
        "latest_versions": latest,
        "tags": tag_list(row.tags if row is not None else {}),
        "aliases": [{"alias": a, "version": str(v)} for a, v in sorted(aliases.items())],
    }


def search_models(store: SqlStore, text: Any) -> list[str]:
    """Names of the registered models (and model series) a filter such as ``name LIKE 'rf%'`` keeps."""
    from trailmark.mlflow._search import filter_clauses, matches

    with read(store) as conn:
        rows = {r.name: r for r in conn.execute(select(registered_models).where(
            registered_models.c.project_id == store._project_id))}
    names = set(rows) | {m.name for m in store.search("", kind="models", limit=10_000)}
    clauses = filter_clauses(text, {"name"})
    found = []
    for name in sorted(names):
        row = rows.get(name)
        subject = {"name": name, "tags": tag_list(row.tags if row is not None else {})}
        if all(matches(subject, *clause) for clause in clauses):
            found.append(name)
    return found


# -- versions ------------------------------------------------------------------------------


def _producer(store: SqlStore, artifact_id: int) -> str | None:
    with read(store) as conn:
        return conn.execute(
            select(executions.c.uid).join(events, events.c.source_id == executions.c.id)
            .where(events.c.target_id == artifact_id, events.c.kind == "OUTPUT").order_by(events.c.id)
        ).scalar()


def version(store: SqlStore, name: Any, number: Any) -> Artifact:
    name = _name(name)
    try:
        wanted = int(str(number))
    except ValueError as exc:
        raise invalid(f"Invalid value {number!r} for parameter 'version' supplied") from exc
    for artifact in versions(store, name):
        if artifact.version == wanted:
            return artifact
    raise missing(f"Model Version (name={name}, version={wanted}) not found")


def version_json(store: SqlStore, artifact: Artifact, aliases: Mapping[str, int] | None = None) -> dict[str, Any]:
    aliases = _aliases(store, artifact.name) if aliases is None else aliases
    mine = sorted(a for a, v in aliases.items() if v == artifact.version)
    stage = next((STAGES[a] for a in ("production", "staging", "archived") if a in mine), "None")
    mlflow = artifact.properties.get("mlflow") or {}
    return {
        "name": artifact.name,
        "version": str(artifact.version),
        "creation_timestamp": millis(artifact.created_at),
        "last_updated_timestamp": millis(artifact.created_at),
        "user_id": artifact.created_by or "",
        "current_stage": stage,
        "description": artifact.description or "",
        "source": mlflow.get("source") or artifact.uri or "",
        "run_id": _producer(store, artifact.id) or "",
        "status": "READY",
        "tags": tag_list(store.tags(artifact.id)),
        "aliases": mine,
        **({"model_id": mlflow["model_id"]} if mlflow.get("model_id") else {}),
    }


def create_version(store: SqlStore, body: Mapping[str, Any], run_of: Any) -> dict[str, Any]:
    """``model-versions/create``: a Model artifact of the series, an OUTPUT of ``run_id`` when given."""
    name = _name(body.get("name"))
    source = _name(body.get("source"), "source")
    if _row(store, name) is None and not versions(store, name):
        raise missing(f"Registered Model with name={name} not found")
    run_id = body.get("run_id") or None
    execution_id = run_of(store, run_id) if run_id else None
    model_id = body.get("model_id") or (source.removeprefix("models:/").split("/")[0]
                                        if source.startswith("models:/m-") else None)
    origin = {"source": source, "run_id": run_id, "model_id": model_id}
    digest = hashing.digest_bytes(json.dumps(origin, sort_keys=True).encode())
    properties = {"mlflow": {k: v for k, v in origin.items() if v}}
    from trailmark.mlflow._logged import artifact_uri

    location = artifact_uri(store, source)  # where the files are: models:/m-... names a logged model's folder
    uri = location if "://" in location or location.startswith("mlflow-artifacts:") else None
    artifact = store.log_artifact("Model", name, uri, digest=digest, properties=properties)
    if execution_id is not None:
        store.link(execution_id, outputs=[artifact])
    for key, value in tag_dict(body.get("tags")).items():
        store.set_tag(artifact.id, key, value)
    if body.get("description"):
        store.set_description(artifact.id, str(body["description"]))
    return version_json(store, store.get(artifact.id))  # type: ignore[arg-type]  # an artifact's id names an Artifact


def set_alias(store: SqlStore, name: Any, alias: Any, number: Any) -> None:
    artifact = version(store, name, number)
    store.set_alias(artifact.name, _name(alias, "alias"), version=artifact.version)


def delete_alias(store: SqlStore, name: Any, alias: Any) -> None:
    name, alias = _name(name), _name(alias, "alias")
    if alias not in _aliases(store, name):
        raise missing(f"Registered model alias {alias} not found.")
    store.set_alias(name, alias, version=None)


def by_alias(store: SqlStore, name: Any, alias: Any) -> Artifact:
    name, alias = _name(name), _name(alias, "alias")
    number = _aliases(store, name).get(alias)
    if number is None:
        raise missing(f"Registered model alias {alias} not found.")
    return version(store, name, number)


def transition(store: SqlStore, body: Mapping[str, Any]) -> Artifact:
    """A deprecated stage transition, as an alias move: Production -> alias ``production``."""
    artifact = version(store, body.get("name"), body.get("version"))
    stage = str(body.get("stage") or "").strip().lower()
    if stage not in (*STAGES, "none"):
        raise invalid(f"Invalid Model Version stage: {body.get('stage')}. Value must be one of None, Staging, "
                      "Production, Archived.")
    current = _aliases(store, artifact.name)
    for alias in STAGES:
        if current.get(alias) == artifact.version and alias != stage:
            store.set_alias(artifact.name, alias, version=None)
    if stage != "none":
        store.set_alias(artifact.name, stage, version=artifact.version)
    return artifact


def search_versions(store: SqlStore, text: Any) -> list[Artifact]:
    import re

    if not text:
        names = search_models(store, None)
        return [v for n in names for v in versions(store, n)]
    clauses = [c.strip() for c in re.split(r"\s+and\s+", str(text), flags=re.IGNORECASE)]
    wanted: dict[str, str] = {}
    for clause in clauses:
        match = re.fullmatch(r"(name|run_id|source_path|source)\s*=\s*(['\"])(.*)\2", clause)
        if match is None:
            raise invalid(f"Invalid filter string: {text!r}; Trailmark supports name = 'x' and run_id = 'y'")
        wanted[match.group(1)] = match.group(3)
    names = [wanted["name"]] if "name" in wanted else search_models(store, None)
    found = [v for n in names for v in versions(store, n)]
    if "run_id" in wanted:
        found = [v for v in found if _producer(store, v.id) == wanted["run_id"]]
    return found
