"""``show``, ``lineage``, ``export`` and ``reproduce``: one node and the graph around it."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer
from rich.markup import escape

from trailmark.cli._app import app, open_store
from trailmark.cli._card import card_panel, recipe_panel
from trailmark.cli._openlineage import print_column_lineage, print_run_events
from trailmark.cli._protect import print_governance
from trailmark.cli._render import console, figures, node_table, print_json
from trailmark.entities import Artifact, Execution
from trailmark.lineage._render import to_tree
from trailmark.registry import model_card
from trailmark.reproduce import recipe


class GraphFormat(str, enum.Enum):
    tree = "tree"
    json = "json"
    dot = "dot"
    mermaid = "mermaid"


class ShowFormat(str, enum.Enum):
    json = "json"


class ExportFormat(str, enum.Enum):
    json = "json"
    openlineage = "openlineage"


@app.command()
def show(
    ref: Annotated[str, typer.Argument(help="dataset:NAME[@VERSION], model:NAME@ALIAS, exec:ID, sha256:…, an id.")],
    format: Annotated[ShowFormat | None, typer.Option("--format", help="json: every field, raw.")] = None,
) -> None:
    """Show one artifact or execution; a model leads with its card. In Python: store.get(REF)."""
    with open_store() as store:
        node = store.get(ref)
        if format is ShowFormat.json:
            print_json(node)
            return
        if _is_model(node):  # the card first; its hyperparameters are not repeated below
            console.print(card_panel(model_card(store, node), title=f"{node.ref}: how it was built"))
        console.print(node_table(node, skip=("hyperparameters",) if _is_model(node) else ()))
        if isinstance(node, Execution):
            latest = store.latest_metrics(node)
            if latest:
                console.print("[bold]metrics[/bold] " + escape(figures(latest)))
        tags = store.tags(node)
        if tags:
            console.print("[bold]tags[/bold] " + escape(", ".join(f"{k}={v}" for k, v in tags.items())))
        print_governance(store, node)
        console.print(f"[dim]every field: trailmark show {escape(ref)} --format json[/dim]")


@app.command()
def lineage(
    ref: Annotated[str, typer.Argument(help="The node to start from.")],
    up: Annotated[bool, typer.Option("--up", help="Walk upstream: where it came from.")] = False,
    down: Annotated[bool, typer.Option("--down", help="Walk downstream: what was derived from it (default).")] = False,
    depth: Annotated[int | None, typer.Option("--depth", min=0, help="Stop after this many edges.")] = None,
    type: Annotated[list[str] | None, typer.Option("--type", help="Keep only nodes of this type (repeatable).")] = None,
    format: Annotated[GraphFormat, typer.Option("--format", help="tree, json, dot or mermaid.")] = GraphFormat.tree,
    column: Annotated[str | None, typer.Option("--column", help="Column-level lineage of this column of a dataset "
                                               "(upstream unless --down).")] = None,
    parents: Annotated[bool, typer.Option("--parents/--no-parents", help="Follow run nesting too: a run's child "
                                          "runs downstream (a DAG run's task runs), its parent upstream.")] = True,
) -> None:
    """Walk the lineage graph. In Python: store.lineage(REF, direction=..., depth=..., include_parents=True)."""
    direction = "both" if up and down else "upstream" if up else "downstream"
    if column is not None:
        with open_store() as store:
            print_column_lineage(store, ref, column, downstream=down and not up, depth=depth,
                                 as_json=format is GraphFormat.json)
        return
    with open_store() as store:  # rendered while open: a store may load the full nodes when first touched
        graph = store.lineage(ref, direction=direction, depth=depth, types=type or None, include_parents=parents)
        if format is GraphFormat.tree:  # a long label wraps under its branch, never cut
            console.print(to_tree(graph), soft_wrap=False)
        elif format is GraphFormat.json:
            print_json(graph.to_json())
        elif format is GraphFormat.dot:
            print_json(graph.to_dot())
        else:
            print_json(graph.to_mermaid())


@app.command()
def export(
    ref: Annotated[str, typer.Argument(help="The node to export.")],
    format: Annotated[
        ExportFormat, typer.Option("--format", help="json, or openlineage: an execution as RunEvents, one per line.")
    ] = ExportFormat.json,
) -> None:
    """Export a node with its metrics, tags and one level of lineage each way, as JSON; a model adds its card."""
    with open_store() as store:
        if format is ExportFormat.openlineage:
            print_run_events(store, ref)
            return
        node = store.get(ref)
        graph = store.lineage(node, direction="both", depth=1)
        document: dict[str, Any] = {"node": node, "tags": store.tags(node), "lineage": graph.to_dict()}
        if isinstance(node, Execution):
            document["metrics"] = list(store.metrics(node))
        if _is_model(node):
            document.update(model_card(store, node))
    print_json(document)


@app.command()
def reproduce(
    ref: Annotated[str, typer.Argument(help="model:NAME@ALIAS, any artifact ref (its producing run) or exec:ID.")],
    format: Annotated[ShowFormat | None, typer.Option("--format", help="json instead of a readable recipe.")] = None,
) -> None:
    """What it takes to rebuild: code commit, Python, packages, input data, params, seeds.

    In Python: trailmark.reproduce.recipe(store, REF).
    """
    with open_store() as store:
        found = recipe(store, ref)
    if format is ShowFormat.json:
        print_json(found)
    else:
        console.print(recipe_panel(found))


def _is_model(node: object) -> bool:
    return isinstance(node, Artifact) and node.type == "Model"
