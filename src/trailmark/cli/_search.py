"""``search`` and ``compare``: find nodes with the filter language, put them side by side."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from trailmark.cli._app import app, open_store
from trailmark.cli._render import artifacts_table, console, executions_table, print_json


class Kind(str, enum.Enum):
    artifacts = "artifacts"
    executions = "executions"
    models = "models"


class Format(str, enum.Enum):
    table = "table"
    json = "json"


@app.command()
def search(
    filter: Annotated[str, typer.Argument(help="A filter, e.g. \"metrics.rmse < 0.5 and params.model = 'rf'\"; "
                                               "empty matches everything (docs/search.md).")] = "",
    kind: Annotated[Kind, typer.Option("--kind", help="What to search.")] = Kind.artifacts,
    order_by: Annotated[list[str] | None, typer.Option(
        "--order-by", help="A field and asc or desc, e.g. 'metrics.rmse asc'; repeat for more keys.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (1-10000).")] = 50,
    page_token: Annotated[str | None, typer.Option("--page-token", help="Continue after an earlier page.")] = None,
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Find artifacts, executions or models. In Python: store.search(FILTER, kind=...)."""
    with open_store() as store:
        page = store.search(filter, kind=kind.value, order_by=order_by, limit=limit, page_token=page_token)
        latest = [store.latest_metrics(e) for e in page] if kind is Kind.executions else None
    if format is Format.json:
        print_json({"items": page.items, "next_page_token": page.next_page_token})
        return
    if not page.items:
        console.print("nothing matches")
        return
    console.print(executions_table(page.items, metrics=latest) if latest is not None else artifacts_table(page.items))
    if page.next_page_token:
        console.print(f"more: --page-token {page.next_page_token}", style="dim")


@app.command()
def compare(
    refs: Annotated[list[str], typer.Argument(help="Two or more executions, or two or more artifacts.")],
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Put executions or artifacts side by side, differences highlighted. In Python: store.compare(REF, ...)."""
    with open_store() as store:
        comparison = store.compare(*refs)
    if format is Format.json:
        print_json(comparison.to_dict())
    else:
        console.print(comparison)
