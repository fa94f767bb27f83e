"""Rows decoded from the driver's tuples hold what SQLAlchemy's own result processing gives, on both databases."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Float, Numeric, cast, func, literal, select, type_coerce

from trailmark.store.sql import SqlStore, _session
from trailmark.store.sql._artifacts import artifact_query
from trailmark.store.sql._decoded_rows import decoded_rows
from trailmark.store.sql._executions import execution_query
from trailmark.store.sql._tables import When, artifacts, executions


def _both_ways(store: SqlStore, query) -> tuple[list[dict], list[dict]]:
    with _session.read(store.engine) as conn:
        fast = decoded_rows(conn, query)
        slow = [{str(k): v for k, v in row._mapping.items()} for row in conn.execute(query)]
    return fast, slow


def test_execution_and_artifact_rows_match_sqlalchemy_rows(store_uri: str) -> None:
    store = SqlStore(store_uri)
    run = store.start_execution("Train", "r", params={"lr": 0.1, "nested": {"a": [1, "x", None]}},
                                environment={"python": "3.11"})
    store.log_artifact("Model", "m", "s3://b/m", properties={"rows": 3, "ratio": 0.5, "tags": ["a"]})
    store.end_execution(run, resources={"cpu_s": 1.5})
    for query in (execution_query(), artifact_query()):
        fast, slow = _both_ways(store, query)
        assert fast == slow and fast
        stamps = [v for row in fast for v in row.values() if isinstance(v, datetime)]
        assert stamps and all(s.tzinfo is not None and s.utcoffset().total_seconds() == 0 for s in stamps)
    store.close()


def test_labelled_expressions_are_decoded_by_their_types(store_uri: str) -> None:
    store = SqlStore(store_uri)
    store.start_execution("Train", "r")
    when = datetime(2026, 5, 1, 10, 0, 0, 123456, tzinfo=timezone.utc)
    query = select(
        executions.c.id,
        type_coerce(cast(literal(2.5), Numeric(10, 3)), Float).label("as_float"),  # numeric on the wire, read as float
        func.coalesce(executions.c.ended_at, literal(when, When)).label("_sort0"),  # a timestamp expression
        executions.c.params,
    )
    fast, slow = _both_ways(store, query)
    assert fast == slow
    assert fast[0]["_sort0"] == when and isinstance(fast[0]["as_float"], float)
    store.close()


def test_no_rows_is_an_empty_list(store_uri: str) -> None:
    store = SqlStore(store_uri)
    fast, slow = _both_ways(store, artifact_query().where(artifacts.c.id == -1))
    assert fast == slow == []
    store.close()
