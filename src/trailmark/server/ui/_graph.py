"""Lineage for the web UI: one graph walked upstream and downstream to separate depths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, EdgeKind, Execution, Node, to_dict
from trailmark.errors import ValidationError
from trailmark.server._lineage_light import rows
from trailmark.store._collector import paused
from trailmark.store.sql import _classify

if TYPE_CHECKING:
    from trailmark.lineage._graph import Reached
    from trailmark.store import Store
    from trailmark.store._protocol import NodeLike
    from trailmark.store.sql import SqlStore

MAX_DEPTH = 50


def parse_depth(value: str, what: str) -> int | None:
    """``"all"`` is no limit (None); otherwise a whole number of edges from 0 to MAX_DEPTH."""
    if value == "all":
        return None
    if not value.isdigit() or int(value) > MAX_DEPTH:
        raise ValidationError(f"{what} must be a whole number from 0 to {MAX_DEPTH}, or 'all'; got {value!r}")
    return int(value)


def graph(store: SqlStore, ref: str, *, up: int | None, down: int | None) -> dict[str, Any]:
    """Nodes and edges within ``up`` edges upstream and ``down`` edges downstream of ``ref``.

    Each node carries ``depth`` (negative upstream, positive downstream) and its
    classifications, so that the page can draw them without further requests. Run nesting is
    followed too (PARENT edges: a DAG run to its task runs). The start node comes in full; the
    others as the walk's light rows (id, kind, type, name, version, lifecycle, status, ref): the
    page asks for a node's details (``/api/v1/ui/node``) when one is picked.
    """
    root = store.get(ref)
    nodes: dict[int, dict[str, Any]] = {}
    edges: dict[tuple[int, int, str], dict[str, Any]] = {}
    for direction, limit, sign in (("upstream", up, -1), ("downstream", down, 1)):
        if limit == 0:
            continue
        walk = store.lineage(root, direction=direction, depth=limit, include_parents=True)
        with paused():  # a dict per node and per edge, all kept (store/_collector.py)
            for row in rows(walk):
                if row.id != root.id and row.id not in nodes:
                    nodes[row.id] = light_summary(row, depth=sign * row.depth)
            for edge in walk.edges:
                kind = edge.kind.value
                edges[(edge.source, edge.target, kind)] = {"source": edge.source, "target": edge.target,
                                                           "kind": kind, "role": edge.role}
    labelled = classified(store, [root.id, *nodes])
    with store._read() as conn:  # the walk's nodes, all of the store's project
        for node_id, labels in _classify.active_of(conn, sorted(labelled & set(nodes))).items():
            nodes[node_id]["classifications"] = [to_dict(label) for label in labels]
    return {
        "root": root.id,
        "up": up,
        "down": down,
        "nodes": [node_summary(store, root, depth=0, labelled=root.id in labelled), *nodes.values()],
        "edges": list(edges.values()),
    }


def light_summary(row: Reached, *, depth: int) -> dict[str, Any]:
    """A node as the graph draws it from the walk's light row, without its content."""
    ref = f"{row.type.lower()}:{row.name}@{row.version}" if row.kind == "artifact" else f"exec:{row.id}"
    return {**row._asdict(), "depth": depth, "ref": ref, "classifications": []}


def classified(store: SqlStore, ids: list[int]) -> set[int]:
    """Which of ``ids`` carry a classification the reader may see (one query over all of them, audited as
    one read), so that only those have their labels read."""
    return store._guard.labelled(ids, what="graph")


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


def classifications(store: Store, node: NodeLike) -> list[dict[str, Any]]:
    """The labels of a node (PII, SENSITIVE...), each with its origin."""
    return [to_dict(item) for item in store.classifications(node)]
