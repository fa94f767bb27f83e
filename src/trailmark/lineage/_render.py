"""Text renderings of a Lineage: Graphviz DOT, Mermaid, and a Rich tree for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trailmark.entities import Artifact, EdgeKind, Execution, Node, Status

if TYPE_CHECKING:
    from rich.tree import Tree

    from trailmark.lineage._graph import Lineage


def label(node: Node) -> str:
    """``dataset:housing-raw@3`` for an artifact, ``Train train (exec:7)`` for an execution; a
    soft-deleted node ends in `` (deleted)``."""
    mark = " (deleted)" if node.lifecycle == "deleted" else ""
    if isinstance(node, Artifact):
        return node.ref + mark
    return f"{node.type} {node.name} ({node.ref}){mark}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(lineage: Lineage) -> str:
    lines = ["digraph lineage {", "  rankdir=LR;"]
    for node in lineage.nodes:
        if isinstance(node, Artifact):
            style = "shape=box, style=rounded"
        else:
            color = ", color=red" if node.status == Status.FAILED else ""
            style = f"shape=ellipse{color}"
        lines.append(f"  n{node.id} [label={_quote(label(node))}, {style}];")
    for edge in lineage.edges:
        role = f" [label={_quote(edge.role)}]" if edge.role else ""
        if edge.kind == EdgeKind.PARENT:  # run nesting, not data: a dashed arrow from parent to child
            role = ' [style=dashed, label="child run"]'
        lines.append(f"  n{edge.source} -> n{edge.target}{role};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(lineage: Lineage) -> str:
    lines = ["flowchart LR"]
    for node in lineage.nodes:
        text = _mermaid_text(label(node))
        lines.append(f'  n{node.id}["{text}"]' if isinstance(node, Artifact) else f'  n{node.id}(["{text}"])')
    for edge in lineage.edges:
        arrow = f"-- {_mermaid_text(edge.role)} -->" if edge.role else "-->"
        if edge.kind == EdgeKind.PARENT:
            arrow = "-. child run .->"
        lines.append(f"  n{edge.source} {arrow} n{edge.target}")
    failed = [n.id for n in lineage.nodes if isinstance(n, Execution) and n.status == Status.FAILED]
    if failed:
        lines.append("  classDef failed stroke:#c00,stroke-width:2px")
        lines.append("  class " + ",".join(f"n{i}" for i in failed) + " failed")
    return "\n".join(lines) + "\n"


def to_tree(lineage: Lineage) -> Tree:
    """A Rich tree from the root along the walk, depth first in printing order: a node met again
    is marked "(shown above)", which it is, since it was expanded on an earlier line."""
    from rich.tree import Tree

    by_id = {n.id: n for n in lineage.nodes}
    root = by_id[lineage.root]
    tree = Tree(_styled(root))
    shown = {root.id}
    stack = [(tree, item) for item in reversed(_next(lineage, root.id, by_id))]
    while stack:
        parent, (other, role) = stack.pop()
        if other in shown:
            parent.add(f"{_styled(by_id[other])}{role} [dim](shown above)[/dim]")
            continue
        shown.add(other)
        branch = parent.add(_styled(by_id[other]) + role)
        stack.extend((branch, item) for item in reversed(_next(lineage, other, by_id)))
    return tree


def _next(lineage: Lineage, node_id: int, by_id: dict[int, Node]) -> list[tuple[int, str]]:
    """The neighbours one step along the walk, with their edge's role (or, over a PARENT edge, "child
    run" or "parent run") as markup."""
    found = []
    upstream = lineage.direction == "upstream"
    for edge in lineage.children(node_id):
        other = edge.source if upstream else edge.target
        note = ("parent run" if upstream else "child run") if edge.kind == EdgeKind.PARENT else edge.role
        if other in by_id:
            found.append((other, f" [dim]({note})[/dim]" if note else ""))
    return found


def _styled(node: Node) -> str:
    return _plain_styled(node) + (" [dim](deleted)[/dim]" if node.lifecycle == "deleted" else "")


def _plain_styled(node: Node) -> str:
    from rich.markup import escape

    if isinstance(node, Artifact):
        return f"[bold cyan]{escape(node.ref)}[/bold cyan] [dim]{node.digest[:15]}[/dim]"
    color = {"COMPLETE": "green", "FAILED": "red"}.get(node.status.value, "yellow")
    state = f"[{color}]{node.status.value}[/{color}]"
    return f"[bold]{escape(node.type)}[/bold] {escape(node.name)} [dim]{node.ref}[/dim] {state}"
