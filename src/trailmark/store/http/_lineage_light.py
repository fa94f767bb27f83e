"""HttpStore's lineage: the light walk first (columns), the full nodes in one more request when touched.

The server answers ``GET /api/v1/lineage/{ref}?light=true`` with columns (see
``trailmark.server._lineage_light``), read here with orjson and turned into the walk's rows
and edges a column at a time; ``depths``, ``edges``, ``reached`` and ``len()`` need nothing
more. The first use of ``nodes`` (``artifacts()``, ``to_json()``...) asks for the full walk of
the same root once and keeps the nodes the light walk reached, in its order. A server that
does not know ``light`` sends the full walk, taken as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trailmark.entities import Edge, EdgeKind, Node
from trailmark.lineage import Lineage
from trailmark.lineage._graph import Reached
from trailmark.store._collector import paused

_KINDS = {k.value: k for k in EdgeKind}


def lazy_lineage(data: dict[str, Any], full: Callable[[int], dict[str, Any]]) -> Lineage:
    """A Lineage from the light answer ``data``; ``full(root)`` fetches the full walk from the root's id."""
    if not isinstance(data["nodes"], dict):  # the full walk: a server without light walks
        return Lineage.from_dict(data)
    nodes, crossed = data["nodes"], data["edges"]
    with paused():  # tens of thousands of objects, all kept (store/_collector.py)
        reached = list(map(Reached, *(nodes[name] for name in Reached._fields)))
        edges = list(map(Edge, crossed["source"], crossed["target"], map(_KINDS.__getitem__, crossed["kind"]),
                         crossed["role"]))
    root = int(data["root"])

    def fetch() -> list[Node]:
        loaded = {n.id: n for n in Lineage.from_dict(full(root)).nodes}
        return [loaded[r.id] for r in reached if r.id in loaded]

    return Lineage(root=root, direction=data["direction"], edges=edges, depths=dict(zip(nodes["id"], nodes["depth"],
                   strict=True)), reached=reached, fetch=fetch)
