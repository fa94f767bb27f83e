"""Lineage walks: one recursive CTE per walk, in the database.

A walk's rows are ``(node id, id of the event that reached it, depth)``; the start node
has no event and depth 0. Rows are de-duplicated by ``UNION``, so a walk ends on any
graph, and every event crossed is returned once. A walk with ``parents`` also follows each
run's link to its parent run (``executions.parent_id``): downstream from parent to child,
upstream from child to parent. Such a link is "event" ``-child_id`` (a run has one parent),
so event ids stay unique within one walk.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, Literal

from sqlalchemy import CTE, Connection, Subquery, func, literal, null, select, union_all

from trailmark.entities import Artifact, Edge, EdgeKind, Execution
from trailmark.lineage._graph import Reached
from trailmark.store._collector import paused
from trailmark.store.sql._artifacts import load_artifacts
from trailmark.store.sql._executions import load_executions
from trailmark.store.sql._plain_rows import plain_rows
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
    """The recursive CTE ``walk(id, event_id, near, depth)`` of nodes reachable from ``start`` (over parent links
    too with ``parents``); ``near`` is the node the walk came from over ``event_id``."""
    edge = _links() if parents else events
    near, far = (
        (edge.c.source_id, edge.c.target_id) if direction == "downstream" else (edge.c.target_id, edge.c.source_id)
    )
    seed = select(
        literal(start, Id).label("id"), null().cast(Id).label("event_id"), null().cast(Id).label("near"),
        literal(0, Id).label("depth"),
    ).cte(f"walk_{direction}", recursive=True)
    if depth is None:
        # Without a limit the depth column would split one node into a row per path length.
        step = select(far, edge.c.id, near, literal(1, Id)).join(seed, near == seed.c.id)
    else:
        step = (select(far, edge.c.id, near, seed.c.depth + 1).join(seed, near == seed.c.id)
                .where(seed.c.depth < depth))
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

    One query per direction: the walk joined to its events' kind and role and to the nodes' name columns, read
    as columns, with few objects made beyond the results and the cycle collector paused meanwhile (see
    ``store/_collector.py``). A node's depth is its fewest steps from ``start`` in the walk's
    direction (over both directions, the fewer).
    """
    light: dict[int, Reached] = {}
    edges: dict[int | None, Edge] = {}  # by event id (None: the start, reached by none)
    with paused():
        for direction in directions:
            _walk(conn, start, direction, depth, parents, light, edges)
    return light, list(edges.values())


def _walk(conn: Connection, start: int, direction: Direction, depth: int | None, parents: bool,
          light: dict[int, Reached], edges: dict[int | None, Edge]) -> None:
    """One direction of :func:`traverse_light`, added to ``light`` and ``edges``."""
    rows = _walk_rows(conn, walk(start, direction, depth, parents=parents))
    ids, nears, event_ids, found, kinds, roles, artifact, types, names, versions, lives, statuses = (
        list(column) for column in zip(*rows, strict=True))
    del rows
    depths = _depths(start, nears, ids) if depth is None else _least(ids, found)
    for node_id, known in light.items():  # reached by an earlier direction too: the fewer steps
        depths[node_id] = min(known.depth, depths.get(node_id, known.depth))
    light.update(zip(ids, map(_reached, zip(ids, map(_NODE_KIND.__getitem__, artifact), types, names, versions,
                                            map(depths.__getitem__, ids), lives, statuses, strict=True)), strict=True))
    # A parent link (negative id, no event row) runs parent -> child like an event: source to target. An event
    # met twice (at two depths, or in both directions) is the same edge both times.
    sources, targets = (nears, ids) if direction == "downstream" else (ids, nears)
    edges.update(zip(event_ids, map(Edge, sources, targets, map(_EDGE_KIND.__getitem__, kinds), roles), strict=True))
    edges.pop(None, None)  # the start's row: no event


_EDGE_KIND: dict[str | None, EdgeKind] = {None: EdgeKind.PARENT, **{k.value: k for k in EdgeKind}}
_NODE_KIND = {True: "artifact", False: "execution"}  # also 1 and 0, as SQLite gives booleans
_reached = partial(tuple.__new__, Reached)  # a Reached from a tuple of its fields, without a call in Python


def _walk_rows(conn: Connection, cte: CTE) -> Sequence[Any]:
    """The walk's rows as the driver gives them: node, near, event, depth, event kind and role, then the
    node's light columns (is it an artifact, type, name, version, lifecycle, status)."""
    a, x = artifacts.alias("a"), executions.alias("x")
    return plain_rows(conn,
        select(cte.c.id, cte.c.near, cte.c.event_id, cte.c.depth, events.c.kind, events.c.role,
               a.c.id.is_not(None), func.coalesce(a.c.type, x.c.type), func.coalesce(a.c.name, x.c.name),
               a.c.version, func.coalesce(a.c.lifecycle, x.c.lifecycle), x.c.status)
        .outerjoin(events, events.c.id == cte.c.event_id)
        .outerjoin(a, a.c.id == cte.c.id)
        .outerjoin(x, x.c.id == cte.c.id)
    )


def _least(ids: list[int], depths: list[int]) -> dict[int, int]:
    """Each node's least depth among its rows (a limited walk counts them in SQL, one row per depth)."""
    order = sorted(range(len(ids)), key=depths.__getitem__, reverse=True)  # the least is written last
    return dict(zip(map(ids.__getitem__, order), map(depths.__getitem__, order), strict=True))


def _depths(start: int, nears: list[int | None], ids: list[int]) -> dict[int, int]:
    """Breadth-first distances from ``start`` over the walk's steps (``nears[k] -> ids[k]``), in memory.

    The steps out of a node are chained by row number (``first``, ``following``): no list per node.
    """
    first: dict[int | None, int] = {}
    following = [-1] * len(ids)
    for k, near in enumerate(nears):
        following[k] = first.get(near, -1)
        first[near] = k
    depths, frontier, level = {start: 0}, [start], 0
    while frontier:
        level += 1
        reached = []
        for node in frontier:
            k = first.get(node, -1)
            while k >= 0:
                other = ids[k]
                if other not in depths:
                    depths[other] = level
                    reached.append(other)
                k = following[k]
        frontier = reached
    return depths


def load_nodes(conn: Connection, ids: Sequence[int]) -> dict[int, Artifact | Execution]:
    """Artifacts and executions by id, fetched in chunks by primary key."""
    found: dict[int, Artifact | Execution] = {}
    for offset in range(0, len(ids), _CHUNK):
        chunk = list(ids[offset : offset + _CHUNK])
        found.update((a.id, a) for a in load_artifacts(conn, artifacts.c.id.in_(chunk)))
        found.update((e.id, e) for e in load_executions(conn, executions.c.id.in_(chunk)))
    return found
