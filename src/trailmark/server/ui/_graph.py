"""Lineage for the web UI: one graph walked upstream and downstream to separate depths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, EdgeKind, Execution, Node, to_dict
from trailmark.errors import ValidationError

if TYPE_CHECKING:
    from trailmark.store import Store

MAX_DEPTH = 50
ID_BATCH = 200


def parse_depth(value: str, what: str) -> int | None:
    """``"all"`` is no limit (None); otherwise a whole number of edges from 0 to MAX_DEPTH."""
    if value == "all":
        return None
    if not value.isdigit() or int(value) > MAX_DEPTH:
        raise ValidationError(f"{what} must be a whole number from 0 to {MAX_DEPTH}, or 'all'; got {value!r}")
    return int(value)


def graph(store: Store, ref: str, *, up: int | None, down: int | None) -> dict[str, Any]:
    """Nodes and edges within ``up`` edges upstream and ``down`` edges downstream of ``ref``.

    Each node carries ``depth`` (negative upstream, positive downstream) and its
    classifications, so that the page can draw them without further requests. Run nesting is
    followed too (PARENT edges: a DAG run to its task runs).
    """
    root = store.get(ref)
    nodes: dict[int, Node] = {root.id: root}
    depths: dict[int, int] = {root.id: 0}
    edges: dict[tuple[int, int, str], dict[str, Any]] = {}
    for direction, limit, sign in (("upstream", up, -1), ("downstream", down, 1)):
        if limit == 0:
            continue
        walk = store.lineage(root, direction=direction, depth=limit, include_parents=True)
        for node in walk.nodes:
            nodes.setdefault(node.id, node)
            depths.setdefault(node.id, sign * walk.depths.get(node.id, 0))
        for edge in walk.edges:
            edges[(edge.source, edge.target, str(edge.kind))] = to_dict(edge)
    labelled = classified(store, list(nodes))
    return {
        "root": root.id,
        "up": up,
        "down": down,
        "nodes": [node_summary(store, n, depth=depths[n.id], labelled=n.id in labelled) for n in nodes.values()],
        "edges": list(edges.values()),
    }


def classified(store: Store, ids: list[int]) -> set[int]:
    """Which of ``ids`` carry a classification: a few searches, so that only those are looked up one by one."""
    found: set[int] = set()
    for start in range(0, len(ids), ID_BATCH):
        listed = ", ".join(str(i) for i in ids[start : start + ID_BATCH])
        for kind in ("artifacts", "executions"):
            page = store.search(f"id IN ({listed}) and classification IS NOT NULL", kind=kind, limit=ID_BATCH)
            found.update(node.id for node in page)
    return found


def node_summary(store: Store, node: Node, *, depth: int | None = None, labelled: bool = True) -> dict[str, Any]:
    """A node as the graph draws it: the entity, its classifications (if ``labelled``), and its depth."""
    data = to_dict(node)
    data["classifications"] = classifications(store, node) if labelled else []
    if isinstance(node, Execution):
        data["duration"] = node.duration
    if depth is not None:
        data["depth"] = depth
    return data


def node_detail(store: Store, ref: str) -> dict[str, Any]:
    """One node with its tags and its neighbours one edge away (producers, consumers); a run also
    with its ``parent`` and ``children`` (the runs nested in it)."""
    node = store.get(ref)
    nested = isinstance(node, Execution)
    around = store.lineage(node, direction="both", depth=1, include_parents=nested)
    neighbours, parent, children = [], None, []
    for edge in around.edges:
        other = edge.target if edge.source == node.id else edge.source
        if other == node.id or (edge.source != node.id and edge.target != node.id):
            continue
        if edge.kind == EdgeKind.PARENT:
            if edge.target == node.id:
                parent = node_summary(store, around.node(other), labelled=False)
            else:
                children.append(node_summary(store, around.node(other), labelled=False))
            continue
        direction = "downstream" if edge.source == node.id else "upstream"
        neighbours.append({**to_dict(around.node(other)), "direction": direction, "role": edge.role})
    detail = node_summary(store, node)
    detail["tags"] = store.tags(node)
    detail["neighbours"] = neighbours
    if nested:
        detail["parent"], detail["children"] = parent, children
    if isinstance(node, Artifact):
        detail["versions"] = len(store.versions(node.type, node.name))
    return detail


def classifications(store: Store, node: Node) -> list[dict[str, Any]]:
    """The labels of a node (PII, SENSITIVE...), each with its origin."""
    return [to_dict(item) for item in store.classifications(node)]
