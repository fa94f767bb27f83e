"""``init``: create a store (read commands refuse one that is not there)."""

from __future__ import annotations

from typing import Annotated

import typer

from trailmark.cli._app import _state, app, open_store
from trailmark.cli._render import console
from trailmark.store._exists import missing_store


@app.command()
def init(
    uri: Annotated[str | None, typer.Argument(help="Store URI (default: the global --uri).")] = None,
) -> None:
    """Create an empty store, or say that one is there already. In Python: trailmark.connect(URI)."""
    if uri is not None:
        _state["uri"] = uri
    missing = missing_store(_state["uri"])
    with open_store(create=True) as store:
        shown = repr(store)
    console.print(f"created {shown}" if missing is not None else f"{shown} is there already", highlight=False)
