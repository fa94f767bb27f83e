"""Migration 0003: runs of an existing store get a uid each; every node starts active."""

from __future__ import annotations

import re

from alembic import command
from sqlalchemy import text

from trailmark.store.sql import SqlStore, _schema, _session


def _store_at_0002_with_runs(uri: str, count: int) -> None:
    engine = _session.make_engine(uri)
    with engine.begin() as conn:
        _schema._config().attributes["connection"] = conn
        command.upgrade(_schema._config(), "0002")
        conn.execute(text("INSERT INTO projects (name, created_at) VALUES ('default', '2026-01-01 00:00:00')"))
        for _ in range(count):
            node = conn.execute(text("INSERT INTO nodes (kind) VALUES ('execution') RETURNING id")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO executions (id, project_id, type, name, status, params, environment, started_at, "
                    "resources) VALUES (:id, 1, 'Train', 'old', 'COMPLETE', '{}', '{}', '2026-01-01 00:00:00', '{}')"
                ),
                {"id": node},
            )
    _schema.upgrade(engine)
    engine.dispose()


def test_existing_runs_get_distinct_uids_and_stay_active(store_uri):
    _store_at_0002_with_runs(store_uri, 3)
    with SqlStore(store_uri) as store:
        old = list(store.search("", kind="executions"))
        assert len(old) == 3
        uids = {e.uid for e in old}
        assert len(uids) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", u) for u in uids)
        assert {e.lifecycle for e in old} == {"active"}
        assert {e.parent_id for e in old} == {None}
        new = store.start_execution("Train", "new")
        assert new.uid not in uids and new.heartbeat_at is not None
        assert store.get(f"run:{old[0].uid}").id == old[0].id
