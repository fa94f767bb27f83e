"""``demo``: the whole product in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from trailmark.cli._app import app, open_store
from trailmark.cli._render import console
from trailmark.lineage._render import to_tree

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
        Path, typer.Option("--data-dir", help="Where the demo writes its generated data files.")
    ] = Path("trailmark-demo-data"),
) -> None:
    """Run a complete house-price pipeline (ingest to deploy) on generated data, then show its lineage."""
    try:
        from trailmark.demo import run_demo
        import sklearn  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"the demo needs {exc.name}: pip install 'trailmark[demo]'") from exc

    with open_store() as store:
        console.print(f"Running the house-price pipeline on {store!r}...")
        deployment = run_demo(store, data_dir.resolve())
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
