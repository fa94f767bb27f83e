"""``models``: the registered versions, newest first (``runs`` is in cli/_runs.py).

``models`` is a group (its subcommands ``alias`` and ``protect`` are in cli/_automation.py);
run alone, it lists the versions.
"""

from __future__ import annotations

from typing import Annotated

import typer

from trailmark.cli import _rows
from trailmark.cli._app import open_store
from trailmark.cli._listing import ListFormat

FORMAT_HELP = "table (fits the terminal), json or csv."


def models(  # the `models` group's listing: see cli/_automation.py
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="How many versions to list.")] = 50,
    format: Annotated[ListFormat, typer.Option("--format", help=FORMAT_HELP)] = ListFormat.table,
) -> None:
    """List registered model versions with their aliases, newest first."""
    with open_store() as store:
        page = store.search("", kind="models", order_by=["created desc"], limit=limit)
        aliases = {name: store.models.aliases(name) for name in {m.name for m in page}}
    _rows.show(_rows.models(page.items, aliases), format, empty="no models yet: try `trailmark demo`")
