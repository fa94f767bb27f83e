"""Migration 0007: datasets profiled before it get their meta-feature vector, so similar finds them."""

from __future__ import annotations

from datetime import datetime, timezone

from alembic import command
from sqlalchemy import text

from trailmark.store.sql import SqlStore, _schema, _session
from trailmark.store.sql._tables import artifacts


def _profile(shift: float) -> dict:
    schema = [{"name": "size", "dtype": "float64"}, {"name": "city", "dtype": "str"}]
    return {"rows": 100, "columns": 2, "schema": schema,
            "missing": {"size": 0, "city": 0}, "stats": {"size": {"mean": 50.0 + shift, "std": 29.0, "q50": 50.0}},
            "categorical": {"city": {"cardinality": 4}}}


def _store_at_0006_with_datasets(uri: str) -> None:
    engine = _session.make_engine(uri)
    rows = [("old-a", _profile(0.0)), ("old-b", _profile(5.0)), ("pointer", {"bytes": 10})]
    with engine.begin() as conn:
        _schema._config().attributes["connection"] = conn
        command.upgrade(_schema._config(), "0006")
        conn.execute(text("INSERT INTO projects (name, created_at) VALUES ('default', '2026-01-01 00:00:00')"))
        for index, (name, properties) in enumerate(rows):
            node = conn.execute(text("INSERT INTO nodes (kind) VALUES ('artifact') RETURNING id")).scalar_one()
            conn.execute(artifacts.insert().values(  # the columns of 0006: none of them is newer
                id=node, project_id=1, type="Dataset", name=name, version=1, digest="sha256:" + str(index) * 64,
                properties=properties, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
            ))
    _schema.upgrade(engine)
    engine.dispose()


def test_profiles_stored_before_the_migration_are_indexed(store_uri):
    _store_at_0006_with_datasets(store_uri)
    with SqlStore(store_uri) as store:
        (found,) = store.similar("dataset:old-a", limit=5)
        assert found.artifact.name == "old-b" and found.score > 0.9
        assert store.get("dataset:pointer").properties == {"bytes": 10}  # no profile: not indexed, not listed
