"""``trailmark export REF --format openlineage``: an execution as OpenLineage RunEvents, one JSON per line."""

from __future__ import annotations

import json

import typer

from trailmark.openlineage import run_events
from trailmark.store import NodeLike, Store


def print_run_events(store: Store, ref: NodeLike) -> None:
    """Print the RunEvents of an execution as JSON lines (what an OpenLineage file transport writes)."""
    for event in run_events(store, ref):
        typer.echo(json.dumps(event, sort_keys=True))
