"""The Typer application, its global options, and the store the commands use."""

from __future__ import annotations

import sys
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


# Commands that only read: on a SQLite path with no store they refuse, since opening would
# create an empty store there and a typo in --uri would pass unnoticed.
READ_COMMANDS = {"show", "lineage", "export", "reproduce", "runs", "reap", "models", "search", "compare", "verify",
                 "log", "list", "leaderboard", "drift", "similar", "reuse"}


def open_store(*, create: bool | None = None) -> Store:
    """The store picked by ``--uri`` / ``$TRAILMARK_URI``, opened for one command.

    ``create``: whether a SQLite store that is not there is made; by default only writing
    commands make one (read commands, see READ_COMMANDS, refuse in one line).
    """
    import trailmark
    from trailmark.errors import NotFoundError
    from trailmark.store._exists import missing_store

    words = _command_words(sys.argv[1:])
    if create is None:
        create = not any(word in READ_COMMANDS for word in words[:2])
    missing = None if create else missing_store(_state["uri"])
    if missing is not None:
        raise NotFoundError(
            f"`trailmark {' '.join(words)}`: there is no store at {missing}; check --uri or $TRAILMARK_URI, "
            "or create one with `trailmark init`"
        )
    return trailmark.connect(_state["uri"], project=_state["project"] or "default")


def _command_words(argv: list[str]) -> list[str]:
    """The command line after the global options: ``["show", "dataset:x"]``."""
    words: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _GLOBAL_OPTIONS and not words:
            skip = True  # its value follows
        elif not (word.startswith("--") and not words):
            words.append(word)
    return words


_GLOBAL_OPTIONS = {"--uri", "--project"}
