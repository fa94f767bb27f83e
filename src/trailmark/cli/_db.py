"""``db upgrade``: migrate a store to this version's schema."""

from __future__ import annotations

import typer

from trailmark._config import resolve_uri
from trailmark._url import StoreURL
from trailmark.cli._app import _state
from trailmark.cli._render import console

db = typer.Typer(help="Manage the store's database schema.", no_args_is_help=True)


@db.command()
def upgrade() -> None:
    """Migrate the store to the newest schema revision (safe to run twice)."""
    from trailmark.store.sql import _schema, _session

    url = StoreURL.parse(resolve_uri(_state["uri"])).require_sql("db upgrade")
    engine = _session.make_engine(url.text)
    try:
        before, after = _schema.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        console.print(f"store already at revision {after}")
    else:
        console.print(f"store upgraded from revision {before or '(empty)'} to {after}")
