"""``models``: the registered versions, newest first (``runs`` is in cli/_runs.py).

``models`` is a group (its subcommands ``alias`` and ``protect`` are in cli/_automation.py);
run alone, it lists the versions.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from trailmark.cli._app import open_store
from trailmark.cli._render import console, when


def models(  # the `models` group's listing: see cli/_automation.py
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="How many versions to list.")] = 50,
) -> None:
    """List registered model versions with their aliases, newest first."""
    with open_store() as store:
        page = store.search("", kind="models", order_by=["created desc"], limit=limit)
        aliases = {name: store.models.aliases(name) for name in {m.name for m in page}}
    if not page.items:
        console.print("no models yet: try `trailmark demo`")
        return
    table = Table()
    for column in ("model", "version", "aliases", "digest", "created", "ref"):
        table.add_column(column, overflow="fold")
    for model in page:
        tags = ", ".join(sorted(a for a, v in aliases[model.name].items() if v == model.version))
        table.add_row(model.name, str(model.version), tags, model.digest[:19], when(model.created_at), model.ref)
    console.print(table)
