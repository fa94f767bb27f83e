"""``demo``: the whole product in one command."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from trailmark.cli._app import _state, app, open_store
from trailmark.cli._render import console
from trailmark.lineage._render import to_tree
from trailmark.store._exists import store_folder

_NEXT = """
[bold]Next, try:[/bold]
  trailmark models
  trailmark runs
  trailmark show {model}
  trailmark lineage dataset:housing-raw --down
  trailmark lineage {deployment} --up --format mermaid
  trailmark search "metrics.rmse < 30000" --kind models
  trailmark compare {first} {second}
"""


@app.command()
def demo(
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the demo writes its generated data files (default: "
                                  "trailmark-demo-data/ beside a SQLite store's file, else a new temporary folder).")
    ] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Add another pipeline to a store that holds the demo.")
    ] = False,
) -> None:
    """Run a complete house-price pipeline (ingest to deploy) on generated data, then show its lineage."""
    try:
        import pandas  # noqa: F401
        import sklearn  # noqa: F401

        from trailmark.demo import run_demo
    except ImportError as exc:
        raise ImportError(f"the demo needs {exc.name}: pip install 'trailmark[demo]'") from exc

    with open_store() as store:
        done = store.search("experiment = 'house-prices' and name = 'ingest-housing'", kind="executions", limit=1)
        if done.items and not again:
            ran = done.items[0].started_at.strftime("%Y-%m-%d %H:%M")
            console.print(f"{store!r} holds the demo already (its pipeline ran at {ran}): `trailmark runs "
                          "--experiment house-prices` lists it; `trailmark demo --again` adds another pipeline",
                          highlight=False)
            return
        folder = data_dir or _data_folder()
        console.print(f"Running the house-price pipeline on {store!r}, data in {folder}...", highlight=False)
        deployment = run_demo(store, folder.resolve())
        graph = store.lineage(deployment, direction="upstream")
        trains = sorted(e.id for e in graph.executions("Train"))
        all_trains = store.search("type = 'Train'", kind="executions", order_by=["started desc"], limit=2)
    console.print(f"\nDeployed [bold]{deployment.properties['model']}[/bold] at {deployment.properties['endpoint']}")
    console.print("\n[bold]Where the deployed model came from[/bold] (lineage upstream):")
    console.print(to_tree(graph))
    refs = [f"exec:{e.id}" for e in all_trains] or [f"exec:{i}" for i in trains]
    console.print(
        _NEXT.format(
            model=deployment.properties["model"],
            deployment=deployment.ref,
            first=refs[-1],
            second=refs[0],
        )
    )


def _data_folder() -> Path:
    """Beside a SQLite store's file, else a new temporary folder: never the working directory."""
    beside = store_folder(_state["uri"])
    return beside / "trailmark-demo-data" if beside is not None else Path(tempfile.mkdtemp(prefix="trailmark-demo-"))
