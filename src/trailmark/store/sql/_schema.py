"""Schema versions: create a new store at the head revision, refuse a newer one, upgrade an old one."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from trailmark.errors import StoreVersionError
from trailmark.store.sql import _session
from trailmark.store.sql._tables import metadata

_MIGRATIONS = Path(__file__).with_name("migrations")


@cache
def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


@cache
def head_revision() -> str:
    """The newest revision this version of Trailmark knows."""
    # None only for a directory without revisions; the package ships its migrations.
    return cast(str, ScriptDirectory.from_config(_config()).get_current_head())


def current_revision(conn: Connection) -> str | None:
    """The revision stamped in the store, or None for an empty database."""
    return MigrationContext.configure(conn).get_current_revision()


def ensure_schema(engine: Engine) -> None:
    """Create an empty store at head; raise StoreVersionError for any other revision."""

    def check(conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            # Two processes creating one new database wait for each other here.
            conn.execute(text("SELECT pg_advisory_xact_lock(7478657)"))
        revision = current_revision(conn)
        if revision is None:
            if inspect(conn).has_table("artifacts"):
                raise StoreVersionError("the database holds tables but no Trailmark schema revision")
            metadata.create_all(conn)
            MigrationContext.configure(conn).stamp(ScriptDirectory.from_config(_config()), "head")
        elif revision != head_revision():
            raise StoreVersionError(_version_message(revision))

    _session.write(engine, check)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the store to head; returns (revision before, revision after)."""

    def run(conn: Connection) -> tuple[str | None, str]:
        before = current_revision(conn)
        if before is not None and not _known(before):
            raise StoreVersionError(_version_message(before))
        _config().attributes["connection"] = conn
        command.upgrade(_config(), "head")
        return before, head_revision()

    return _session.write(engine, run)


def _known(revision: str) -> bool:
    return any(r.revision == revision for r in ScriptDirectory.from_config(_config()).walk_revisions())


def _version_message(revision: str) -> str:
    if _known(revision):
        return (
            f"the store is at schema revision {revision}, older than this Trailmark ({head_revision()}): "
            "run `trailmark db upgrade`"
        )
    return (
        f"the store was written by a newer Trailmark (schema revision {revision}, this one knows up to "
        f"{head_revision()}): upgrade trailmark to open it"
    )
