"""What a handler needs of a run or an experiment, in one statement, where a whole run view (five) is not needed.

Writes that only need the execution (log-batch, log-inputs, update, delete) read it by its
MLflow run_id with :func:`execution`; ``runs/update`` answers from it and
:func:`experiment_id`; the Default experiment's row is read once per store and project
(it can be neither renamed nor deleted, see _experiments).
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Engine, select

from trailmark.entities import Execution
from trailmark.mlflow._errors import invalid, missing
from trailmark.mlflow._tx import read
from trailmark.store.sql import _executions
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import context_members, contexts, executions

EXPERIMENT, DEFAULT_NAME, DEFAULT_ID = "Experiment", "Default", "0"

_defaults: weakref.WeakKeyDictionary[Engine, dict[int, Any]] = weakref.WeakKeyDictionary()


def execution(store: SqlStore, run_id: Any) -> Execution:
    """The execution of an MLflow run_id (its uid); RESOURCE_DOES_NOT_EXIST when unknown."""
    if not isinstance(run_id, str) or not run_id:
        raise invalid("Missing value for required parameter 'run_id'. See the API docs for more information about "
                      "request parameters.")
    with read(store) as conn:
        found = _executions.load_executions(conn, executions.c.uid == run_id,
                                            executions.c.project_id == store._project_id)
    if not found:
        raise missing(f"Run '{run_id}' not found")
    return found[0]


def experiment_id(store: SqlStore, execution_id: int) -> str:
    """The experiment_id of the experiment an execution belongs to (the Default one when none)."""
    with read(store) as conn:
        row = conn.execute(
            select(contexts.c.id, contexts.c.name)
            .join(context_members, context_members.c.context_id == contexts.c.id)
            .where(context_members.c.node_id == execution_id, contexts.c.type == EXPERIMENT)
        ).first()
    return DEFAULT_ID if row is None or row.name == DEFAULT_NAME else str(row.id)


def known_default(store: SqlStore) -> Any | None:
    """The Default experiment's row of the store's project, if read before."""
    return _defaults.get(store.engine, {}).get(store._project_id)


def remember_default(store: SqlStore, row: Any) -> Any:
    _defaults.setdefault(store.engine, {})[store._project_id] = row
    return row
