"""Lineage walks: one recursive CTE per walk, in the database.

A walk's rows are ``(node id, id of the event that reached it, depth)``; the start node
has no event and depth 0. Rows are de-duplicated by ``UNION``, so a walk ends on any
graph, and every event crossed is returned once. A walk with ``parents`` also follows each
run's link to its parent run (``executions.parent_id``): downstream from parent to child,
upstream from child to parent. Such a link is "event" ``-child_id`` (a run has one parent),
so event ids stay unique within one walk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from sqlalchemy import CTE, Connection, Subquery, func, literal, null, select, union_all

from trailmark.entities import Artifact, Edge, EdgeKind, Execution
from trailmark.lineage._graph import Reached
from trailmark.store.sql._artifacts import load_artifacts
from trailmark.store.sql._executions import load_executions
from trailmark.store.sql._tables import Id, artifacts, events, executions

Direction = Literal["upstream", "downstream"]
_CHUNK = 5000


def _links() -> Subquery:
    """Events and parent links alike, as ``(id, source_id, target_id)``: a link runs parent -> child."""
    parented = executions.c.parent_id.is_not(None)
    return union_all(
        select(events.c.id, events.c.source_id, events.c.target_id),
        select((-executions.c.id).label("id"), executions.c.parent_id, executions.c.id).where(parented),
    ).subquery("links")


def walk(start: int, direction: Direction, depth: int | None, *, parents: bool = False) -> CTE:
    """The recursive CTE ``walk(id, event_id, depth)`` of nodes reachable from ``start``
    (over parent links too with ``parents``)."""
    edge = _links() if parents else events
    near, far = (
        (edge.c.source_id, edge.c.target_id) if direction == "downstream" else (edge.c.target_id, edge.c.source_id)
    )
    seed = select(
        literal(start, Id).label("id"), null().cast(Id).label("event_id"), literal(0, Id).label("depth")
    ).cte(f"walk_{direction}", recursive=True)
    if depth is None:
        # Without a limit the depth column would split one node into a row per path length.
        step = select(far, edge.c.id, literal(1, Id)).join(seed, near == seed.c.id)
    else:
        step = select(far, edge.c.id, seed.c.depth + 1).join(seed, near == seed.c.id).where(seed.c.depth < depth)
    return seed.union(step)


def reachable_ids(start: int, direction: Direction, depth: int | None = None) -> CTE:
    """A CTE of the ids reachable from ``start`` (itself included), for use in other queries."""
    cte = walk(start, direction, depth)
    return select(cte.c.id).distinct().cte(f"reach_{direction}")


def traverse_light(
    conn: Connection, start: int, directions: Sequence[Direction], depth: int | None, *, parents: bool = False
) -> tuple[dict[int, Reached], list[Edge]]:
    """Each reached node's light row (depth, kind, type, name, version, lifecycle, status) and the events crossed
    (with ``parents``, also the parent links crossed, as edges of kind PARENT from parent to child).

    One query per direction: the walk joined to its events and to the nodes' name columns.
    """
    light: dict[int, Reached] = {}
    edges: dict[int, Edge] = {}
    kinds = {k.value: k for k in EdgeKind}
    a, x = artifacts.alias("a"), executions.alias("x")
    for direction in directions:
        cte = walk(start, direction, depth, parents=parents)
        rows = conn.execute(
            select(cte.c.id, cte.c.depth, cte.c.event_id, events.c.source_id, events.c.target_id, events.c.kind,
                   events.c.role, a.c.id.is_not(None), func.coalesce(a.c.type, x.c.type),
                   func.coalesce(a.c.name, x.c.name), a.c.version, func.coalesce(a.c.lifecycle, x.c.lifecycle),
                   x.c.parent_id, x.c.status)
            .outerjoin(events, events.c.id == cte.c.event_id)
            .outerjoin(a, a.c.id == cte.c.id)
            .outerjoin(x, x.c.id == cte.c.id)
        )
        for (node_id, node_depth, event_id, source, target, kind, role, is_artifact, type_, name, version, life,
             parent, status) in rows:
            known = light.get(node_id)
            if known is None or node_depth < known.depth:
                light[node_id] = Reached(node_id, "artifact" if is_artifact else "execution", type_, name,
                                         version, node_depth, life, status)
            if event_id is None or event_id in edges:
                continue
            if event_id < 0:  # a parent link: downstream it reached the child, upstream the parent
                source, target = (parent, node_id) if direction == "downstream" else (node_id, -event_id)
                edges[event_id] = Edge(source=source, target=target, kind=EdgeKind.PARENT)
            else:
                edges[event_id] = Edge(source=source, target=target, kind=kinds[kind], role=role)
    if depth is None:  # the walk did not count depths: measure them over the edges fetched
        depths = {i: r.depth for i, r in light.items()}
        _fill_depths(start, depths, edges.values())
        light = {i: r._replace(depth=depths[i]) for i, r in light.items()}
    return light, list(edges.values())


def _fill_depths(start: int, depths: dict[int, int], edges: Iterable[Edge]) -> None:
    """Breadth-first distances over the (already fetched) edges, in memory."""
    neighbours: dict[int, list[int]] = {}
    for edge in edges:
        neighbours.setdefault(edge.source, []).append(edge.target)
        neighbours.setdefault(edge.target, []).append(edge.source)
    frontier, seen = [start], {start: 0}
    while frontier:
        following = []
        for node in frontier:
            for other in neighbours.get(node, ()):
                if other not in seen:
                    seen[other] = seen[node] + 1
                    following.append(other)
        frontier = following
    depths.update(seen)


def load_nodes(conn: Connection, ids: Sequence[int]) -> dict[int, Artifact | Execution]:
    """Artifacts and executions by id, fetched in chunks by primary key."""
    found: dict[int, Artifact | Execution] = {}
    for offset in range(0, len(ids), _CHUNK):
        chunk = list(ids[offset : offset + _CHUNK])
        found.update((a.id, a) for a in load_artifacts(conn, artifacts.c.id.in_(chunk)))
        found.update((e.id, e) for e in load_executions(conn, executions.c.id.in_(chunk)))
    return found
