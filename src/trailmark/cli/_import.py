"""``trailmark import mlflow SOURCE``: copy an MLflow tracking store into the current store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trailmark.cli._app import open_store
from trailmark.cli._render import console

import_app = typer.Typer(help="Copy another tracking store into this one.", no_args_is_help=True)


@import_app.command("mlflow")
def mlflow(
    source: Annotated[str, typer.Argument(help="An mlruns folder, an MLflow database URI or an MLflow server URL.")],
) -> None:
    """Copy MLflow experiments, runs, metrics, inputs and registered models; again, only what is new.

    In Python: trailmark.mlflow.import_mlflow(store, SOURCE).
    """
    from trailmark.mlflow import import_mlflow

    with open_store() as store, Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    ) as bar:
        task = bar.add_task("importing runs", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"importing {stage}", completed=done, total=total)

        summary = import_mlflow(store, source, progress=progress)
    table = Table(title=f"imported from {source}", show_header=True)
    table.add_column("what")
    table.add_column("copied", justify="right")
    for label, value in (("experiments", summary.experiments), ("runs", summary.runs),
                         ("runs already here", summary.runs_skipped), ("metric points", summary.metric_points),
                         ("dataset inputs", summary.datasets), ("registered models", summary.models),
                         ("model versions", summary.versions), ("alias moves", summary.aliases)):
        table.add_row(label, str(value))
    console.print(table)
    for note in summary.unmapped:
        console.print(f"not mapped: {note}")
