"""Lineage: the part of the graph reached by one walk, as plain entities."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from trailmark.entities import Artifact, Edge, EdgeKind, Execution, Node, node_from_dict, to_dict


class Reached(NamedTuple):
    """A node as a walk reaches it: its place and name, without its content."""

    id: int
    kind: str  # "artifact" | "execution"
    type: str
    name: str
    version: int | None
    depth: int
    lifecycle: str
    status: str | None = None  # an execution's (RUNNING, COMPLETE, FAILED); None for an artifact


@dataclasses.dataclass(frozen=True)
class Lineage:
    """Nodes and edges reached from ``root`` walking ``direction``.

    ``depths`` gives each node's distance from the root in edges (the root is 0). Walks pass
    through soft-deleted nodes, so ``nodes`` and ``edges`` keep the graph's shape, each node
    marked by its ``lifecycle``; ``artifacts()`` and ``executions()`` list the active ones.
    A store may return only the walk (``reached``) and ``fetch``: the full nodes are then
    loaded, in one go, the first time ``nodes`` is touched.
    """

    root: int
    direction: str
    _nodes: list[Node] | None = dataclasses.field(default=None, repr=False, compare=False)
    edges: list[Edge] = dataclasses.field(default_factory=list)
    depths: dict[int, int] = dataclasses.field(default_factory=dict)
    reached: list[Reached] = dataclasses.field(default_factory=list, repr=False, compare=False)
    fetch: Callable[[], list[Node]] | None = dataclasses.field(default=None, repr=False, compare=False)

    def __init__(self, root: int, direction: str, nodes: list[Node] | None = None, edges: list[Edge] | None = None,
                 depths: dict[int, int] | None = None, *, reached: list[Reached] | None = None,
                 fetch: Callable[[], list[Node]] | None = None) -> None:
        set_ = object.__setattr__
        set_(self, "root", root)
        set_(self, "direction", direction)
        set_(self, "_nodes", nodes)
        set_(self, "edges", edges if edges is not None else [])
        set_(self, "depths", depths if depths is not None else {})
        set_(self, "reached", reached if reached is not None else [])
        set_(self, "fetch", fetch)

    @property
    def nodes(self) -> list[Node]:
        """The full nodes, in walk order (loaded on first use when the store sent only the walk)."""
        if self._nodes is None:
            object.__setattr__(self, "_nodes", self.fetch() if self.fetch is not None else [])
        assert self._nodes is not None
        return self._nodes

    def __len__(self) -> int:
        """How many nodes the walk reached (without loading them)."""
        return len(self._nodes) if self._nodes is not None else len(self.reached)

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
