"""Restricted labels on the MLflow routes, as the native routes apply them (docs/security.md).

A run, model version or logged model whose node carries a label the project restricts
above the caller's role is refused when asked for directly (``PERMISSION_DENIED``, 403)
and left out of searches; a visible run's dataset inputs that are restricted are left out
of it. What a reader is shown of labelled nodes is audited as one ``read`` per request.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from trailmark.errors import PermissionDeniedError
from trailmark.mlflow._tx import read
from trailmark.mlflow._view import RunView
from trailmark.store.sql._mlflow_tables import logged_models
from trailmark.store.sql._store import SqlStore
from trailmark.store.sql._tables import artifacts, executions


def _refused(store: SqlStore, what: str) -> PermissionDeniedError:
    role = store.reader_role.value if store.reader_role else "no member"
    return PermissionDeniedError(f"{what} carries a label restricted above this caller's role ({role}) in project "
                                 f"{store.project!r}")


def runs(store: SqlStore, views: Sequence[RunView], *, refuse: bool, audit: bool = True) -> list[RunView]:
    """``views`` as the reader may see them: a hidden run refused (``refuse``) or left out, hidden inputs dropped."""
    if store.reader_role is None or not views:
        return list(views)
    ids = [v.execution.id for v in views] + [i for v in views for i in v.input_ids]
    target = views[0].execution.ref if len(views) == 1 else None
    hidden = store._guard.hidden_ids(ids, what="mlflow", target=target, audit=audit)
    if not hidden:
        return list(views)
    shown = []
    for view in views:
        if view.execution.id in hidden:
            if refuse:
                raise _refused(store, f"Run '{view.execution.uid}'")
            continue
        kept = [(i, d) for i, d in zip(view.input_ids, view.inputs, strict=True) if i not in hidden]
        view.input_ids, view.inputs = [i for i, _ in kept], [d for _, d in kept]
        shown.append(view)
    return shown


def run_ids(store: SqlStore, run_uids: Sequence[str]) -> None:
    """Refuse when any of these runs (MLflow run ids) is hidden from the reader; audit the labelled ones."""
    if store.reader_role is None or not run_uids:
        return
    with read(store) as conn:
        found = dict(conn.execute(select(executions.c.id, executions.c.uid).where(
            executions.c.uid.in_(list(run_uids)), executions.c.project_id == store._project_id)).all())
    target = f"exec:{next(iter(found))}" if len(found) == 1 else None
    hidden = store._guard.hidden_ids(list(found), what="mlflow", target=target)
    if hidden:
        raise _refused(store, f"Run '{found[min(hidden)]}'")


def logged(store: SqlStore, rows: Sequence[object], *, refuse: bool) -> list[object]:
    """Logged models as the reader may see them: hidden when their Model artifact or source run is."""
    if store.reader_role is None or not rows:
        return list(rows)
    nodes = {id(r): [n for n in (getattr(r, "artifact_id", None), getattr(r, "run_id", None)) if n is not None]
             for r in rows}
    hidden = store._guard.hidden_ids([n for ns in nodes.values() for n in ns], what="mlflow")
    shown = [r for r in rows if not hidden.intersection(nodes[id(r)])]
    if refuse and len(shown) < len(rows):
        raise _refused(store, f"Logged model '{getattr(rows[0], 'id', '')}'")
    return shown


def models(store: SqlStore, names: Sequence[str], *, refuse: bool) -> list[str]:
    """Registered models as the reader may see them: hidden when they have versions and every one is hidden."""
    if store.reader_role is None or not names:
        return list(names)
    with read(store) as conn:
        rows = conn.execute(select(artifacts.c.name, artifacts.c.id).where(
            artifacts.c.project_id == store._project_id, artifacts.c.type == "Model",
            artifacts.c.name.in_(list(names)))).all()
    versions: dict[str, set[int]] = {}
    for name, node_id in rows:
        versions.setdefault(name, set()).add(node_id)
    hidden = store._guard.hidden_ids([i for v in versions.values() for i in v], what="mlflow", audit=False)
    shown = [n for n in names if not versions.get(n) or not versions[n] <= hidden]
    if refuse and len(shown) < len(names):
        raise _refused(store, f"Registered Model '{names[0]}'")
    return shown


def file_path(store: SqlStore, path: str) -> None:
    """Refuse a file of the artifact proxy that belongs to a hidden run or logged model.

    Paths are ``EXPERIMENT/RUN_ID/artifacts/...`` and ``EXPERIMENT/models/MODEL_ID/artifacts/...``.
    """
    if store.reader_role is None:
        return
    parts = path.strip("/").split("/")
    if len(parts) >= 3 and parts[1] == "models":
        with read(store) as conn:
            row = conn.execute(select(logged_models).where(
                logged_models.c.id == parts[2], logged_models.c.project_id == store._project_id)).first()
        if row is not None:
            logged(store, [row], refuse=True)
    elif len(parts) >= 2:
        run_ids(store, [parts[1]])
