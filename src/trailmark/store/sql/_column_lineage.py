"""Column-level lineage: edges ``source.column -> target.column`` between dataset versions.

Walks follow edges column by column with a recursive CTE (upstream: what a column was
computed from; downstream: what was computed from it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, literal, select, union

from trailmark.entities import ColumnEdge
from trailmark.store.sql._artifacts import load_artifacts
from trailmark.store.sql._tables import artifacts, column_edges
from trailmark.store.sql._upsert import upsert


def add_edges(conn: Connection, edges: list[dict[str, Any]], *, execution_id: int | None) -> None:
    """Store column edges (known ones keep their first transformation)."""
    if edges:
        rows = [{**e, "execution_id": execution_id} for e in edges]
        upsert(conn, column_edges, rows, keys=["source_id", "source_column", "target_id", "target_column"])


def walk(
    conn: Connection, artifact_id: int, column: str | None, *, upstream: bool, depth: int | None
) -> list[ColumnEdge]:
    """The column edges reached from ``artifact_id`` (one column, or all its columns), nearest first."""
    near, far = ("target_id", "target_column") if upstream else ("source_id", "source_column")
    next_id, next_column = ("source_id", "source_column") if upstream else ("target_id", "target_column")
    start = select(column_edges.c.id, literal(1).label("hops"), column_edges.c[next_id].label("node"),
                   column_edges.c[next_column].label("col")).where(column_edges.c[near] == artifact_id)
    if column is not None:
        start = start.where(column_edges.c[far] == column)
    reached = start.cte("reached", recursive=True)
    step = select(column_edges.c.id, (reached.c.hops + 1).label("hops"), column_edges.c[next_id],
                  column_edges.c[next_column]).join(
        reached, (column_edges.c[near] == reached.c.node) & (column_edges.c[far] == reached.c.col))
    step = step.where(reached.c.hops < (depth if depth is not None else 1_000))
    reached = reached.union(step)
    hops = select(reached.c.id, reached.c.hops).subquery()
    rows = conn.execute(
        select(column_edges, hops.c.hops).join(hops, hops.c.id == column_edges.c.id)
        .order_by(hops.c.hops, column_edges.c.id)
    ).all()
    seen: dict[int, Any] = {}
    for row in rows:
        seen.setdefault(row.id, row)
    ids = {r.source_id for r in seen.values()} | {r.target_id for r in seen.values()}
    refs = {a.id: a.ref for a in load_artifacts(conn, artifacts.c.id.in_(ids))} if ids else {}
    return [
        ColumnEdge(source=refs[r.source_id], source_column=r.source_column, target=refs[r.target_id],
                   target_column=r.target_column, transformation=r.transformation)
        for r in seen.values()
    ]


def columns(conn: Connection, artifact_id: int) -> list[str]:
    """The columns of an artifact that column edges name (as source or target), sorted."""
    query = union(
        select(column_edges.c.target_column.label("c")).where(column_edges.c.target_id == artifact_id),
        select(column_edges.c.source_column.label("c")).where(column_edges.c.source_id == artifact_id),
    )
    return sorted(conn.execute(query).scalars())
