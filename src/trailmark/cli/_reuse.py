"""``reuse`` and ``similar``: earlier work to reuse, and datasets like a given one."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from trailmark.cli._app import app, open_store
from trailmark.cli._render import console, executions_table, print_json, when
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
) -> None:
    """List earlier COMPLETE executions with exactly these params and inputs, newest first.

    Without --param, params are not compared; without --input, inputs are not compared.
    """
    params = dict(_param(text) for text in param) if param else None
    with open_store() as store:
        found = store.find_reusable(type, name, params=params, inputs=input or None, limit=limit)
    if not found:
        console.print("no reusable execution")
        return
    console.print(executions_table(found))


@app.command()
def similar(
    ref: Annotated[str, typer.Argument(help="A dataset, e.g. dataset:housing-train@1.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many datasets.")] = 5,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the datasets most like REF, best first: score, why, and the models trained on each."""
    if format not in ("table", "json"):
        raise ValidationError(f"unknown format {format!r}: use table or json")
    with open_store() as store:
        found = store.similar(ref, limit=limit)
    if format == "json":
        print_json([s.to_dict() for s in found])
        return
    if not found:
        console.print("no other profiled dataset in this project")
        return
    table = Table()
    for column in ("dataset", "score", "why", "models trained on it"):
        table.add_column(column, overflow="fold")
    for s in found:
        models = "\n".join(f"{m.model} ({m.run}) {_metrics(m.metrics)}".rstrip() for m in s.models)
        table.add_row(s.artifact.ref, f"{s.score:.3f}", "; ".join(s.reasons), models)
    console.print(table)


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValidationError(f"--param takes KEY=VALUE, not {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def _metrics(values: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.6g}" for k, v in sorted(values.items()))


def saved_seconds(store: Store, runs: list[Execution]) -> dict[int, float | None]:
    """For each run served from the cache, the duration of the run it reused: the time it saved."""
    originals = {e.cached_from for e in runs if e.cached_from is not None}
    durations = {i: store.get(f"exec:{i}").duration for i in originals}  # type: ignore[union-attr]
    return {e.id: durations.get(e.cached_from) if e.cached_from is not None else None for e in runs}


def cached_table(runs: list[Execution], saved: dict[int, float | None]) -> Table:
    """Runs served from the cache: what each reused and the time that saved, with the total."""
    table = Table(caption=f"time saved: {sum(s or 0.0 for s in saved.values()):.2f}s in {len(runs)} runs")
    for column in ("ref", "type", "name", "started", "reused", "saved"):
        table.add_column(column, overflow="fold")
    for e in runs:
        seconds = saved.get(e.id)
        table.add_row(e.ref, e.type, e.name, when(e.started_at), f"exec:{e.cached_from}",
                      f"{seconds:.2f}s" if seconds is not None else "")
    return table
