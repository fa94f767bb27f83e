"""``classify``, ``declassify``, ``reveal``, ``purge`` and ``gc``: protected data and its erasure."""

from __future__ import annotations

from typing import Annotated

import typer

from trailmark.cli._app import app, open_store
from trailmark.cli._render import console, print_json, when
from trailmark.entities import Node
from trailmark.store import Store


def print_governance(store: Store, node: Node) -> None:
    """For ``show``: a node's classifications with their origins, and its tombstone if purged."""
    labels = store.classifications(node)
    if labels:
        shown = ", ".join(c.label if c.origin == node.ref else f"{c.label} (from {c.origin})" for c in labels)
        console.print("[bold]classifications[/bold] " + shown, highlight=False)
    stone = store.tombstone(node)
    if stone is not None:
        purged = f"{when(stone.purged_at)} by {stone.purged_by}: {stone.reason}"
        console.print("[bold]purged[/bold] " + purged, highlight=False)


@app.command()
def classify(
    ref: Annotated[str, typer.Argument(help="The node to label.")],
    label: Annotated[str, typer.Argument(help="PII, SENSITIVE, or any label.")],
    propagate: Annotated[
        bool, typer.Option("--propagate/--no-propagate", help="Follow lineage downstream (default) or label only REF.")
    ] = True,
) -> None:
    """Classify a node; the label follows lineage downstream. In Python: store.classify(REF, LABEL)."""
    with open_store() as store:
        labels = store.classify(ref, label, propagate=propagate)
    for c in labels:
        console.print(f"{ref}: {c.label} (from {c.origin})", markup=False)


@app.command()
def declassify(
    ref: Annotated[str, typer.Argument(help="The node.")],
    label: Annotated[str, typer.Argument(help="The label to remove.")],
) -> None:
    """Remove a label from a node and from what inherited it from that node. In Python: store.declassify(REF, LABEL)."""
    with open_store() as store:
        store.declassify(ref, label)
    console.print(f"{ref}: {label} removed", markup=False)


@app.command()
def reveal(
    ref: Annotated[str, typer.Argument(help="The artifact or execution.")],
    path: Annotated[str, typer.Argument(help="properties.KEY (artifacts) or params.KEY (executions).")],
) -> None:
    """Decrypt one sensitive value (needs the key; audited). In Python: store.reveal(REF, PATH)."""
    with open_store() as store:
        value = store.reveal(ref, path)
    print_json(value)


@app.command()
def purge(
    ref: Annotated[str, typer.Argument(help="The node to erase.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (the request it answers); kept in the tombstone.")],
) -> None:
    """Erase a node's properties, uri and params, keeping a tombstone. In Python: store.purge(REF, reason=...)."""
    with open_store() as store:
        stone = store.purge(ref, reason=reason)
    console.print(f"purged {stone.ref} (digest {stone.digest or '-'}): {stone.reason}", markup=False)


@app.command()
def gc(
    older_than: Annotated[str, typer.Option("--older-than", help="Age such as 180d.")],
    type: Annotated[str | None, typer.Option("--type", help="Only artifacts of this type (Dataset...).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be purged; change nothing.")] = False,
) -> None:
    """Apply a retention policy: purge artifacts older than --older-than. In Python: store.retention_candidates(...)."""
    with open_store() as store:
        found = store.retention_candidates(older_than=older_than, type=type)
        for artifact in found:
            if not dry_run:
                store.purge(artifact, reason=f"retention: older than {older_than}")
            console.print(f"{'would purge' if dry_run else 'purged'} {artifact.ref}", markup=False)
    if not found:
        console.print(f"nothing older than {older_than}")
