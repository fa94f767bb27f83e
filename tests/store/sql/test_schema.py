"""Schema revisions: created at head, refused when newer, upgraded by `trailmark db upgrade`."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

import trailmark as tm
from trailmark.store.sql import SqlStore, _schema, _session


def test_new_store_is_created_at_head(store_uri):
    with SqlStore(store_uri) as store, store.engine.connect() as conn:
        assert _schema.current_revision(conn) == _schema.head_revision()


def test_store_from_a_newer_version_is_refused(store_uri):
    SqlStore(store_uri).close()
    engine = _session.make_engine(store_uri)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    engine.dispose()
    with pytest.raises(tm.StoreVersionError, match="newer Trailmark"):
        SqlStore(store_uri)
    engine = _session.make_engine(store_uri)
    with pytest.raises(tm.StoreVersionError, match="newer Trailmark"):
        _schema.upgrade(engine)
    engine.dispose()


def test_old_store_asks_for_upgrade_then_upgrades(store_uri):
    engine = _session.make_engine(store_uri)
    with engine.begin() as conn:  # an old store: the first revision only
        _schema._config().attributes["connection"] = conn
        from alembic import command

        command.upgrade(_schema._config(), "0001")
    if _schema.head_revision() != "0001":
        with pytest.raises(tm.StoreVersionError, match="trailmark db upgrade"):
            SqlStore(store_uri)
    before, after = _schema.upgrade(engine)
    assert (before, after) == ("0001", _schema.head_revision())
    engine.dispose()
    with SqlStore(store_uri) as store:
        assert store.log_artifact("Dataset", "d", digest="sha256:" + "0" * 64).version == 1


def test_migrations_build_the_same_schema_as_the_models(store_uri):
    """Autogenerate finds nothing to change after migrating an empty database to head."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from trailmark.store.sql._tables import metadata

    engine = _session.make_engine(store_uri)
    _schema.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    path = tmp_path / "wal.db"
    with SqlStore(f"sqlite:///{path}") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    "uri, message",
    [("mysql://x@y/z", "unsupported store URI"), ("not a uri", "unsupported store URI")],
)
def test_bad_uri_is_a_clear_error(uri, message):
    with pytest.raises(tm.ValidationError, match=message):
        tm.connect(uri)


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(tm.TrailmarkError, match="database error"):
        tm.connect("postgresql://nobody@127.0.0.1:1/none")
