"""``search`` and ``compare``: find nodes with the filter language, put them side by side."""

from __future__ import annotations

import enum
import re
from typing import Annotated

import typer

from trailmark.cli import _rows
from trailmark.cli._app import app, open_store
from trailmark.cli._compare import print_comparison
from trailmark.cli._listing import ListFormat
from trailmark.cli._render import console, print_json
from trailmark.entities import Artifact, Execution
from trailmark.store import Store


class Kind(str, enum.Enum):
    artifacts = "artifacts"
    executions = "executions"
    models = "models"


class Format(str, enum.Enum):
    table = "table"
    json = "json"


_NAMED = re.compile(r"\b(metrics|properties)\.([A-Za-z_][\w./-]*)")


def named_fields(filter: str, order_by: list[str] | None) -> dict[str, list[str]]:
    """``{"metrics": [...], "properties": [...]}``: the fields a filter or ordering names, to show as columns."""
    found: dict[str, list[str]] = {"metrics": [], "properties": []}
    for section, name in _NAMED.findall(" ".join([filter, *(order_by or [])])):
        if name not in found[section]:
            found[section].append(name)
    return found


@app.command()
def search(
    filter: Annotated[str, typer.Argument(help="A filter, e.g. \"metrics.rmse < 0.5 and params.model = 'rf'\"; "
                                               "empty matches everything (docs/search.md).")] = "",
    kind: Annotated[Kind, typer.Option("--kind", help="What to search.")] = Kind.artifacts,
    order_by: Annotated[list[str] | None, typer.Option(
        "--order-by", help="A field and asc or desc, e.g. 'metrics.rmse asc'; repeat for more keys.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (1-10000).")] = 50,
    page_token: Annotated[str | None, typer.Option("--page-token", help="Continue after an earlier page.")] = None,
    format: Annotated[ListFormat, typer.Option("--format", help="table (fits the terminal), json or csv.")]
    = ListFormat.table,
) -> None:
    """Find artifacts, executions or models. In Python: store.search(FILTER, kind=...)."""
    named = named_fields(filter, order_by)
    with open_store() as store:
        page = store.search(filter, kind=kind.value, order_by=order_by, limit=limit, page_token=page_token)
        if kind is Kind.executions:
            listing = _rows.executions(page.items, metrics=[store.latest_metrics(e) for e in page],
                                       first=named["metrics"])
        elif kind is Kind.models:
            aliases = {name: store.models.aliases(name) for name in {m.name for m in page}}
            listing = _rows.models(page.items, aliases, first=named["metrics"],
                                   metrics=[_model_metrics(store, m) for m in page] if named["metrics"] else None)
        else:
            listing = _rows.artifacts(page.items, properties=named["properties"], first=named["metrics"],
                                      metrics=[_model_metrics(store, a) for a in page] if named["metrics"] else None)
    if format is ListFormat.json:
        print_json({"items": page.items, "next_page_token": page.next_page_token})
        return
    _rows.show(listing, format, empty="nothing matches")
    if page.next_page_token and format is ListFormat.table:
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
        print_comparison(comparison)


def _model_metrics(store: Store, artifact: Artifact) -> dict[str, float]:
    """The latest metrics of the run that produced an artifact (what a filter on its metrics reads)."""
    producers = [n for n in store.lineage(artifact, direction="upstream", depth=1).nodes if isinstance(n, Execution)]
    return store.latest_metrics(producers[0]) if producers else {}
