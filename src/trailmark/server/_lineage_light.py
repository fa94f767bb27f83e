"""The light lineage walk over REST: ``GET /api/v1/lineage/{ref}?light=true``.

Compact JSON of what the walk reached, without loading a full node: each node a row of
``fields`` (id, kind, type, name, version, depth, lifecycle, status), each edge a row of
``edge_fields`` (source, target, kind, role). HttpStore builds a lazy ``Lineage`` from it and
asks for the full nodes (one request) only when a caller touches them. Nodes hidden from the
reader are named ``(restricted)`` here as in the full answer.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

from trailmark.lineage import Lineage
from trailmark.lineage._graph import Reached

FIELDS = list(Reached._fields)
EDGE_FIELDS = ["source", "target", "kind", "role"]

NodeRow = tuple[int, Literal["artifact", "execution"], str, str, int | None, int, str, str | None]
EdgeRow = tuple[int, int, Literal["INPUT", "OUTPUT", "PARENT"], str | None]


class LineageLightOut(BaseModel):
    """The light walk: ``nodes`` as rows of ``fields``, ``edges`` as rows of ``edge_fields``."""

    model_config = ConfigDict(extra="forbid")
    root: int
    direction: Literal["upstream", "downstream", "both"]
    fields: list[str]
    nodes: list[NodeRow]
    edge_fields: list[str]
    edges: list[EdgeRow]


def rows(lineage: Lineage) -> list[Reached]:
    """The walk's light rows (built from the full nodes for a store that sent only those)."""
    if lineage.reached or not lineage.nodes:
        return lineage.reached
    return [Reached(n.id, n.kind, n.type, n.name, getattr(n, "version", None), lineage.depths.get(n.id, 0),
                    n.lifecycle, getattr(n, "status", None)) for n in lineage.nodes]


def light_json(lineage: Lineage) -> bytes:
    """The compact JSON text of a walk."""
    return json.dumps({
        "root": lineage.root,
        "direction": lineage.direction,
        "fields": FIELDS,
        "nodes": rows(lineage),
        "edge_fields": EDGE_FIELDS,
        "edges": [(e.source, e.target, e.kind.value, e.role) for e in lineage.edges],
    }, separators=(",", ":")).encode()
