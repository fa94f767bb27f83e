"""Lineage: the part of the graph reached by one walk, as plain entities."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from trailmark.entities import Artifact, Edge, EdgeKind, Execution, Node, node_from_dict, to_dict


@dataclasses.dataclass(frozen=True)
class Lineage:
    """Nodes and edges reached from ``root`` walking ``direction``.

    ``depths`` gives each node's distance from the root in edges (the root is 0). Walks pass
    through soft-deleted nodes, so ``nodes`` and ``edges`` keep the graph's shape, each node
    marked by its ``lifecycle``; ``artifacts()`` and ``executions()`` list the active ones.
    """

    root: int
    direction: str
    nodes: list[Node]
    edges: list[Edge]
    depths: dict[int, int] = dataclasses.field(default_factory=dict)

    def artifacts(self, type: str | None = None, *, include_deleted: bool = False) -> list[Artifact]:
        """The artifacts reached, optionally of one type (``"Model"``); soft-deleted ones only if asked."""
        return [n for n in self.nodes if isinstance(n, Artifact) and (type is None or n.type == type)
                and (include_deleted or n.lifecycle == "active")]

    def executions(self, type: str | None = None, *, include_deleted: bool = False) -> list[Execution]:
        """The executions reached, optionally of one type (``"Train"``); soft-deleted ones only if asked."""
        return [n for n in self.nodes if isinstance(n, Execution) and (type is None or n.type == type)
                and (include_deleted or n.lifecycle == "active")]

    def node(self, node_id: int) -> Node:
        """The node with this id."""
        for candidate in self.nodes:
            if candidate.id == node_id:
                return candidate
        raise KeyError(node_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "direction": self.direction,
            "nodes": [{**to_dict(n), "depth": self.depths.get(n.id)} for n in self.nodes],
            "edges": [to_dict(e) for e in self.edges],
        }

    def to_json(self) -> str:
        """JSON text with ``root``, ``direction``, ``nodes`` (each with its depth) and ``edges``."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lineage:
        return cls(
            root=data["root"],
            direction=data["direction"],
            nodes=[node_from_dict(n) for n in data["nodes"]],
            edges=[Edge(e["source"], e["target"], EdgeKind(e["kind"]), e.get("role")) for e in data["edges"]],
            depths={n["id"]: n["depth"] for n in data["nodes"] if n.get("depth") is not None},
        )

    def to_dot(self) -> str:
        """Graphviz text: artifacts as boxes, executions as ellipses (failed ones red)."""
        from trailmark.lineage._render import to_dot

        return to_dot(self)

    def to_mermaid(self) -> str:
        """Mermaid ``flowchart LR`` text."""
        from trailmark.lineage._render import to_mermaid

        return to_mermaid(self)

    def children(self, node_id: int) -> Iterable[Edge]:
        """Edges leaving ``node_id`` in the direction of the walk."""
        upstream = self.direction == "upstream"
        return [e for e in self.edges if (e.target if upstream else e.source) == node_id]
