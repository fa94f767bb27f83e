"""``reuse`` and ``similar``: earlier work to reuse, and datasets like a given one."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from trailmark.cli import _rows
from trailmark.cli._app import app, open_store
from trailmark.cli._listing import Column, ListFormat, emit
from trailmark.cli._render import duration, figures, when
from trailmark.entities import Execution
from trailmark.errors import ValidationError
from trailmark.store import Store


@app.command()
def reuse(
    type: Annotated[str, typer.Argument(help="The execution type, e.g. Preprocess.")],
    name: Annotated[str | None, typer.Option("--name", help="Only executions of this name.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="KEY=VALUE (repeatable); VALUE read as JSON, else as text.")
    ] = None,
    input: Annotated[list[str] | None, typer.Option("--input", help="An input reference (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="How many to list.")] = 20,
    format: Annotated[ListFormat, typer.Option("--format", help="table (fits the terminal), json or csv.")]
    = ListFormat.table,
) -> None:
    """List earlier COMPLETE executions with exactly these params and inputs, newest first.

    Without --param, params are not compared; without --input, inputs are not compared.
    """
    params = dict(_param(text) for text in param) if param else None
    with open_store() as store:
        found = store.find_reusable(type, name, params=params, inputs=input or None, limit=limit)
    _rows.show(_rows.executions(found, metrics=[{} for _ in found]), format, empty="no reusable execution")


@app.command()
def similar(
    ref: Annotated[str, typer.Argument(help="A dataset, e.g. dataset:housing-train@1.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many datasets.")] = 5,
    format: Annotated[ListFormat, typer.Option("--format", help="table (fits the terminal), json or csv.")]
    = ListFormat.table,
) -> None:
    """List the datasets most like REF, best first: score, why, and the models trained on each."""
    with open_store() as store:
        found = store.similar(ref, limit=limit)
    columns = [Column("dataset", key=True), Column("score", justify="right"), Column("models trained on it"),
               Column("why")]
    rows = [[s.artifact.ref, f"{s.score:.3f}", "; ".join(f"{m.model} ({m.run}) {_metrics(m.metrics)}".rstrip()
                                                        for m in s.models), "; ".join(s.reasons)] for s in found]
    emit(columns, rows, [s.to_dict() for s in found], format, empty="no other profiled dataset in this project")


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValidationError(f"--param takes KEY=VALUE, not {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def _metrics(values: dict[str, float]) -> str:
    return figures(dict(sorted(values.items())))


def saved_seconds(store: Store, runs: list[Execution]) -> dict[int, float | None]:
    """For each run served from the cache, the duration of the run it reused: the time it saved."""
    originals = {e.cached_from for e in runs if e.cached_from is not None}
    found = {i: store.get(f"exec:{i}") for i in originals}
    durations = {i: node.duration if isinstance(node, Execution) else None for i, node in found.items()}
    return {e.id: durations.get(e.cached_from) if e.cached_from is not None else None for e in runs}


def cached_listing(runs: list[Execution], saved: dict[int, float | None]) -> _rows.Listing:
    """Runs served from the cache: what each reused and the time that saved."""
    columns = [Column("ref", key=True), Column("name", key=True), Column("reused", key=True),
               Column("saved", justify="right"), Column("type"), Column("started")]
    rows = [[e.ref, e.name, f"exec:{e.cached_from}", duration(saved.get(e.id)), e.type, when(e.started_at)]
            for e in runs]
    records = [{"ref": e.ref, "name": e.name, "type": e.type, "started": e.started_at,
                "reused": f"exec:{e.cached_from}", "saved_seconds": saved.get(e.id)} for e in runs]
    return columns, rows, records
