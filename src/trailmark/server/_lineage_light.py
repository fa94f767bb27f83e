"""The light lineage walk over REST: ``GET /api/v1/lineage/{ref}?light=true``.

Compact JSON of what the walk reached, without loading a full node, as columns: ``nodes`` an
object of equal-length arrays (id, kind, type, name, version, depth, lifecycle, status), ``edges``
one of source, target, kind, role. Columns, not an object or a row per node: the answer is
written (orjson) and read back without a Python object per node besides the results. HttpStore
builds a lazy ``Lineage`` from it and asks for the full nodes (one request) only when a caller
touches them. Nodes hidden from the reader are named ``(restricted)`` here as in the full answer.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict

from trailmark.lineage import Lineage
from trailmark.lineage._graph import Reached

NODE_COLUMNS = Reached._fields
EDGE_COLUMNS = ("source", "target", "kind", "role")


class LightNodes(BaseModel):
    """The reached nodes, a column per field (the i-th entries describe one node)."""

    model_config = ConfigDict(extra="forbid")
    id: list[int]
    kind: list[Literal["artifact", "execution"]]
    type: list[str]
    name: list[str]
    version: list[int | None]
    depth: list[int]
    lifecycle: list[str]
    status: list[str | None]


class LightEdges(BaseModel):
    """The edges crossed, a column per field."""

    model_config = ConfigDict(extra="forbid")
    source: list[int]
    target: list[int]
    kind: list[Literal["INPUT", "OUTPUT", "PARENT"]]
    role: list[str | None]


class LineageLightOut(BaseModel):
    """The light walk: ``nodes`` and ``edges`` as columns."""

    model_config = ConfigDict(extra="forbid")
    root: int
    direction: Literal["upstream", "downstream", "both"]
    nodes: LightNodes
    edges: LightEdges


def rows(lineage: Lineage) -> list[Reached]:
    """The walk's light rows (built from the full nodes for a store that sent only those)."""
    if lineage.reached or not lineage.nodes:
        return lineage.reached
    return [Reached(n.id, n.kind, n.type, n.name, getattr(n, "version", None), lineage.depths.get(n.id, 0),
                    n.lifecycle, getattr(n, "status", None)) for n in lineage.nodes]


def light_json(lineage: Lineage) -> bytes:
    """The compact JSON text of a walk."""
    reached, edges = rows(lineage), lineage.edges
    nodes = zip(*reached, strict=True) if reached else ([] for _ in NODE_COLUMNS)
    return orjson.dumps({
        "root": lineage.root,
        "direction": lineage.direction,
        "nodes": dict(zip(NODE_COLUMNS, map(list, nodes), strict=True)),
        "edges": {name: list(map(attrgetter(name), edges)) for name in EDGE_COLUMNS},  # orjson writes kind's value
    })
