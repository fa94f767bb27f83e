"""Restricted labels on the OpenLineage reads (events, jobs, column edges), which hold ids and names, not nodes.

An event is left out when its run, or any version of a dataset it names, is hidden from the
reader; a job when its latest run is; a column edge when either end is. The labelled nodes
shown are audited as one ``read`` per call (see :mod:`trailmark.store.sql._guard`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from trailmark.entities import ColumnEdge, LineageJob
from trailmark.store.sql._guard import Guard
from trailmark.store.sql._tables import artifacts, openlineage_datasets

Json = dict[str, Any]


def _named(event: Json) -> set[tuple[str, str]]:
    """The (namespace, name) of every dataset an event names."""
    found = [event.get("dataset"), *(event.get("inputs") or []), *(event.get("outputs") or [])]
    return {(str(d["namespace"]), str(d["name"])) for d in found
            if isinstance(d, dict) and d.get("namespace") is not None and d.get("name") is not None}


def dataset_ids(conn: Connection, project_id: int,
                names: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """Every version's id of the datasets named (namespace, name)."""
    wanted = sorted(set(names))
    found: dict[tuple[str, str], list[int]] = {}
    d = openlineage_datasets.c
    for offset in range(0, len(wanted), 200):
        chunk = wanted[offset:offset + 200]
        rows = conn.execute(
            select(d.namespace, d.name, artifacts.c.id)
            .join(artifacts, and_(artifacts.c.project_id == d.project_id, artifacts.c.type == "Dataset",
                                  artifacts.c.name == d.series))
            .where(d.project_id == project_id, or_(*(and_(d.namespace == ns, d.name == n) for ns, n in chunk)))
        )
        for namespace, name, node_id in rows:
            found.setdefault((namespace, name), []).append(node_id)
    return found


def events(guard: Guard, rows: Sequence[tuple[int | None, Json]]) -> list[Json]:
    """The events the reader may see, of ``(execution_id, event)`` rows."""
    if guard.role is None or not rows:
        return [event for _, event in rows]
    with guard.scope.read() as conn:
        ids = dataset_ids(conn, guard.scope.project_id, (n for _, e in rows for n in _named(e)))
    nodes = [[*([run] if run is not None else []), *(i for n in _named(e) for i in ids.get(n, []))] for run, e in rows]
    hidden = guard.hidden_ids(sorted({i for ns in nodes for i in ns}), what="openlineage.events")
    return [event for (_, event), ns in zip(rows, nodes, strict=True) if not hidden.intersection(ns)]


def jobs(guard: Guard, found: Sequence[LineageJob]) -> list[LineageJob]:
    """The jobs whose latest run the reader may see, with the hidden datasets left out of their inputs and outputs."""
    if guard.role is None or not found:
        return list(found)
    sides = [(d["namespace"], d["name"]) for j in found for d in (*j.inputs, *j.outputs)]
    with guard.scope.read() as conn:
        ids = dataset_ids(conn, guard.scope.project_id, sides)
    runs = [j.latest_run.id for j in found if j.latest_run is not None]
    hidden = guard.hidden_ids(sorted({*runs, *(i for v in ids.values() for i in v)}), what="openlineage.jobs")
    if not hidden:
        return list(found)

    def shown(side: list[dict[str, str]]) -> list[dict[str, str]]:
        return [d for d in side if not hidden.intersection(ids.get((d["namespace"], d["name"]), []))]

    return [LineageJob(namespace=j.namespace, name=j.name, facets=j.facets, updated_at=j.updated_at,
                       inputs=shown(j.inputs), outputs=shown(j.outputs), latest_run=j.latest_run)
            for j in found if j.latest_run is None or j.latest_run.id not in hidden]


def edges(guard: Guard, ids: dict[str, int], found: Sequence[ColumnEdge]) -> list[ColumnEdge]:
    """The column edges whose both ends the reader may see (``ids``: each end's node id by reference)."""
    if guard.role is None or not found:
        return list(found)
    hidden = guard.hidden_ids(sorted(set(ids.values())), what="columns")
    return [e for e in found if ids[e.source] not in hidden and ids[e.target] not in hidden]
