"""PostgreSQL sessions: reads without BEGIN and COMMIT, UTC timestamps, and the ping of an idle pooled connection."""

from __future__ import annotations

from datetime import timezone

import pytest

from trailmark.entities import Metric
from trailmark.store.sql import SqlStore, _session


@pytest.fixture
def store(postgres_uri: str):
    opened = SqlStore(postgres_uri, project="sessions")
    yield opened
    opened.close()


def test_a_read_opens_no_transaction_and_a_write_does(store: SqlStore) -> None:
    from psycopg.pq import TransactionStatus

    store.start_execution("Train", "t")
    with _session.read(store.engine) as conn:
        conn.exec_driver_sql("SELECT 1")
        driver = conn.connection.driver_connection
        assert driver.info.transaction_status == TransactionStatus.IDLE  # no BEGIN was sent
    with _session.transaction(store.engine) as conn:
        conn.exec_driver_sql("SELECT 1")
        assert conn.connection.driver_connection.info.transaction_status == TransactionStatus.INTRANS
    with store.engine.connect() as conn:  # the pooled connection is handed back as it was lent
        assert conn.connection.driver_connection.autocommit is False


def test_a_failed_batch_leaves_nothing(store: SqlStore) -> None:
    store.start_execution("Train", "kept")
    with pytest.raises(RuntimeError), store.batch() as b:
        b.start_execution("Train", "dropped")
        raise RuntimeError("stop")
    assert [e.name for e in store.search("", kind="executions")] == ["kept"]


def test_timestamps_come_back_in_utc(store: SqlStore) -> None:
    run = store.start_execution("Train", "t")
    store.log_metric(run, "loss", 0.5)
    stamp = store.metrics(run, key="loss")[0].timestamp
    assert stamp.tzinfo is timezone.utc and store.get(run.ref).started_at.utcoffset().total_seconds() == 0


def test_series_read_in_binary_keeps_values_steps_and_order(store: SqlStore) -> None:
    run = store.start_execution("Train", "t")
    points = [Metric("loss", 1 / (s + 1), s, store.clock.now()) for s in range(500)]
    store.log_metric_points(run, points[250:] + points[:250])
    read = list(store.metrics(run, key="loss"))
    assert [(p.step, p.value) for p in read] == [(p.step, p.value) for p in points]


def test_a_dropped_idle_connection_is_replaced_before_use(store: SqlStore, postgres_uri: str, monkeypatch) -> None:
    import psycopg

    run = store.start_execution("Train", "t")
    store.get(run.ref)  # one connection in the pool, idle from now on
    with store.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with psycopg.connect(postgres_uri, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    monkeypatch.setattr(_session, "IDLE_PING_SECONDS", 0.0)
    assert store.get(run.ref).name == "t"  # the ping found it dead; the pool connected again


def test_plain_rows_binds_an_in_list(store: SqlStore) -> None:
    from sqlalchemy import select

    from trailmark.store.sql._plain_rows import plain_rows
    from trailmark.store.sql._tables import metrics

    run = store.start_execution("Train", "t")
    store.log_metric_points(run, [Metric("loss", float(s), s, store.clock.now()) for s in range(5)])
    with _session.read(store.engine) as conn:
        rows = plain_rows(conn, select(metrics.c.step).where(metrics.c.step.in_([1, 3])).order_by(metrics.c.step))
    assert [tuple(r) for r in rows] == [(1,), (3,)]
