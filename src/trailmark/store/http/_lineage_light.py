"""HttpStore's lineage: the light walk first (compact rows), the full nodes in one more request when touched.

The server answers ``GET /api/v1/lineage/{ref}?light=true`` with rows (see
``trailmark.server._lineage_light``); ``depths``, ``edges``, ``reached`` and ``len()`` need
nothing more. The first use of ``nodes`` (``artifacts()``, ``to_json()``...) asks for the full
walk of the same root once and keeps the nodes the light walk reached, in its order. A server
that does not know ``light`` sends the full walk, taken as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trailmark.entities import Edge, EdgeKind, Node
from trailmark.lineage import Lineage
from trailmark.lineage._graph import Reached

_FIELDS = list(Reached._fields)


def _reached(fields: list[str], rows: list[list[Any]]) -> list[Reached]:
    if fields == _FIELDS:
        return [Reached._make(row) for row in rows]
    return [Reached(**{k: v for k, v in zip(fields, row, strict=True) if k in _FIELDS}) for row in rows]


def lazy_lineage(data: dict[str, Any], full: Callable[[int], dict[str, Any]]) -> Lineage:
    """A Lineage from the light answer ``data``; ``full(root)`` fetches the full walk from the root's id."""
    if "fields" not in data:
        return Lineage.from_dict(data)
    reached = _reached(data["fields"], data["nodes"])
    kinds = {k.value: k for k in EdgeKind}
    edges = [Edge(source, target, kinds[kind], role) for source, target, kind, role in data["edges"]]
    root = int(data["root"])

    def fetch() -> list[Node]:
        loaded = {n.id: n for n in Lineage.from_dict(full(root)).nodes}
        return [loaded[r.id] for r in reached if r.id in loaded]

    return Lineage(root=root, direction=data["direction"], edges=edges, depths={r.id: r.depth for r in reached},
                   reached=reached, fetch=fetch)
