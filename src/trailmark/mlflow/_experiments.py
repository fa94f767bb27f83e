"""MLflow experiments on Trailmark: Experiment contexts, with tags and a lifecycle of their own.

An experiment_id is the context's id as text; the context named ``Default`` is ``"0"``,
created the first time anyone asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, select

from trailmark.mlflow import _lean
from trailmark.mlflow._errors import exists, invalid, missing
from trailmark.mlflow._json import millis, tag_list
from trailmark.mlflow._tx import read, write
from trailmark.store.sql._audit import Change
from trailmark.store.sql._mlflow_tables import context_tags
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import contexts
from trailmark.store.sql._upsert import upsert

EXPERIMENT = "Experiment"
DEFAULT_NAME = "Default"
DEFAULT_ID = "0"


def experiment_id(row: Any) -> str:
    return DEFAULT_ID if row.name == DEFAULT_NAME else str(row.id)


def _query(store: SqlStore) -> Any:
    return select(contexts).where(contexts.c.project_id == store._project_id, contexts.c.type == EXPERIMENT)


def ensure_default(store: SqlStore) -> Any:
    """The Default experiment's row, created on first use (and then kept: it is never renamed nor deleted)."""
    known = _lean.known_default(store)
    if known is not None:
        return known
    with read(store) as conn:
        found = conn.execute(_query(store).where(contexts.c.name == DEFAULT_NAME)).first()
    if found is None:
        create(store, DEFAULT_NAME, {})
        with read(store) as conn:
            found = conn.execute(_query(store).where(contexts.c.name == DEFAULT_NAME)).one()
    return _lean.remember_default(store, found)


def row_by_id(store: SqlStore, value: Any) -> Any:
    """The context row of an experiment_id; RESOURCE_DOES_NOT_EXIST when there is none."""
    text = str(value if value is not None else "").strip()
    if text == DEFAULT_ID:
        return ensure_default(store)
    if not text.isdigit():
        raise missing(f"No Experiment with id={text} exists")
    with read(store) as conn:
        found = conn.execute(_query(store).where(contexts.c.id == int(text))).first()
    if found is None or found.name == DEFAULT_NAME:
        raise missing(f"No Experiment with id={text} exists")
    return found


def row_by_name(store: SqlStore, name: str) -> Any | None:
    if name == DEFAULT_NAME:
        return ensure_default(store)
    with read(store) as conn:
        return conn.execute(_query(store).where(contexts.c.name == name)).first()


def all_rows(store: SqlStore) -> list[Any]:
    ensure_default(store)
    with read(store) as conn:
        return list(conn.execute(_query(store).order_by(contexts.c.id)))


def tags_of(store: SqlStore, ids: list[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {i: {} for i in ids}
    if ids:
        with read(store) as conn:
            for row in conn.execute(select(context_tags).where(context_tags.c.context_id.in_(ids))):
                found[row.context_id][row.key] = row.value
    return found


def to_json(row: Any, tags: Mapping[str, str]) -> dict[str, Any]:
    exp_id = experiment_id(row)
    return {
        "experiment_id": exp_id,
        "name": row.name,
        "artifact_location": f"mlflow-artifacts:/{exp_id}",
        "lifecycle_stage": row.lifecycle,
        "creation_time": millis(row.created_at),
        "last_update_time": millis(row.created_at),
        "tags": tag_list(tags),
    }


def get(store: SqlStore, value: Any) -> dict[str, Any]:
    row = row_by_id(store, value)
    return to_json(row, tags_of(store, [row.id])[row.id])


def create(store: SqlStore, name: Any, tags: Mapping[str, str]) -> str:
    """Create an experiment; RESOURCE_ALREADY_EXISTS when the name is taken (deleted ones too)."""
    if not isinstance(name, str) or not name.strip():
        raise invalid("Invalid experiment name: '{}'. Expects a non-empty string.".format(name or ""))
    from trailmark.store import _validate

    _validate.node_name(name, "experiment name")

    def work(conn: Connection) -> int:
        taken = conn.execute(_query(store).where(contexts.c.name == name)).first()
        if taken is not None:
            raise exists(f"Experiment '{name}' already exists.")
        new_id = conn.execute(
            contexts.insert().values(project_id=store._project_id, type=EXPERIMENT, name=name,
                                     created_at=store.clock.now(), lifecycle="active").returning(contexts.c.id)
        ).scalar_one()
        if tags:
            conn.execute(context_tags.insert(), [{"context_id": new_id, "key": k, "value": v} for k, v in tags.items()])
        return int(new_id)

    payload = {"tags": dict(tags)}
    created = write(store, work, audit=lambda _: Change("experiment.create", f"experiment:{name}", payload))
    return DEFAULT_ID if name == DEFAULT_NAME else str(created)


def rename(store: SqlStore, value: Any, new_name: Any) -> None:
    row = row_by_id(store, value)
    if not isinstance(new_name, str) or not new_name.strip():
        raise invalid("Invalid experiment name: ''. Expects a non-empty string.")
    if row.name == DEFAULT_NAME:
        raise invalid("Cannot rename the Default experiment in Trailmark: it is experiment '0'")
    if row_by_name(store, new_name) is not None:
        raise exists(f"Experiment '{new_name}' already exists.")

    def work(conn: Connection) -> None:
        conn.execute(contexts.update().where(contexts.c.id == row.id).values(name=new_name))

    write(store, work, audit=lambda _: Change("experiment.rename", f"experiment:{row.name}", {"name": new_name}))


def set_lifecycle(store: SqlStore, value: Any, stage: str) -> None:
    row = row_by_id(store, value)
    if stage == "deleted" and row.name == DEFAULT_NAME:
        raise invalid("Cannot delete the default experiment '0'. This is an internally reserved experiment.")

    def work(conn: Connection) -> None:
        conn.execute(contexts.update().where(contexts.c.id == row.id).values(lifecycle=stage))

    action = "experiment.delete" if stage == "deleted" else "experiment.restore"
    write(store, work, audit=lambda _: Change(action, f"experiment:{row.name}", {}))


def set_tag(store: SqlStore, value: Any, key: str, tag_value: str | None) -> None:
    """Set (or, with None, delete) a tag of an experiment."""
    row = row_by_id(store, value)
    if not key:
        raise invalid("Missing value for required parameter 'key'.")

    def work(conn: Connection) -> None:
        if tag_value is None:
            conn.execute(delete(context_tags).where(context_tags.c.context_id == row.id, context_tags.c.key == key))
        else:
            upsert(conn, context_tags, {"context_id": row.id, "key": key, "value": str(tag_value)},
                   keys=["context_id", "key"], update=["value"])

    write(store, work, audit=lambda _: Change("experiment.tag", f"experiment:{row.name}", {key: tag_value}))
