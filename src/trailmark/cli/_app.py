"""The Typer application, its global options, and the store the commands use."""

from __future__ import annotations

from typing import Annotated

import typer

from trailmark.store import Store

app = typer.Typer(
    name="trailmark",
    help="Trailmark: the metadata store for machine-learning pipelines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

_state: dict[str, str | None] = {"uri": None, "project": "default"}


@app.callback()
def _global(
    uri: Annotated[
        str | None, typer.Option("--uri", envvar="TRAILMARK_URI", help="Store URI (default sqlite:///trailmark.db).")
    ] = None,
    project: Annotated[str, typer.Option("--project", envvar="TRAILMARK_PROJECT", help="Project name.")] = "default",
) -> None:
    _state["uri"] = uri
    _state["project"] = project


def open_store() -> Store:
    """The store picked by ``--uri`` / ``$TRAILMARK_URI``, opened for one command."""
    import trailmark

    return trailmark.connect(_state["uri"], project=_state["project"] or "default")
