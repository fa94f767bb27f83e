"""OpenLineage in the CLI: ``export REF --format openlineage`` (RunEvents, one JSON per line) and
``lineage DATASET --column C`` (column-level lineage)."""

from __future__ import annotations

import json

import typer
from rich.tree import Tree

from trailmark.cli._render import console, print_json
from trailmark.openlineage import run_events
from trailmark.store import NodeLike, Store


def print_run_events(store: Store, ref: NodeLike) -> None:
    """Print the RunEvents of an execution as JSON lines (what an OpenLineage file transport writes)."""
    for event in run_events(store, ref):
        typer.echo(json.dumps(event, sort_keys=True))


def print_column_lineage(
    store: Store, ref: str, column: str, *, downstream: bool, depth: int | None, as_json: bool
) -> None:
    """Print where a column came from (or what it fed) as a tree, or the edges as JSON."""
    edges = store.column_lineage(ref, column=column, direction="downstream" if downstream else "upstream",
                                 depth=depth)
    if as_json:
        print_json(edges)
        return
    near, far = ("source", "source_column") if downstream else ("target", "target_column")
    step = ("target", "target_column") if downstream else ("source", "source_column")
    children: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    for edge in edges:
        key = (getattr(edge, near), getattr(edge, far))
        children.setdefault(key, []).append((getattr(edge, step[0]), getattr(edge, step[1]), edge.transformation))
    roots = [k for k in children if k[1] == column and ref.split("@")[0] in k[0]] or list(children)[:1]
    tree = Tree(f"[bold]{ref}[/bold].{column}" + ("" if edges else " (no column lineage recorded)"))
    seen: set[tuple[str, str]] = set()

    def grow(branch: Tree, key: tuple[str, str]) -> None:
        for node, col, how in children.get(key, []):
            label = f"{node}.[bold]{col}[/bold]" + (f"  [dim]{how}[/dim]" if how else "")
            child = branch.add(label)
            if (node, col) not in seen:
                seen.add((node, col))
                grow(child, (node, col))

    for root in roots:
        grow(tree, root)
    console.print(tree)
