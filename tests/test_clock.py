"""One injectable clock: every timestamp a store writes, and every "now" it compares with, comes from it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import trailmark as tm

START = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> tm.ManualClock:
    return tm.ManualClock(START)


def test_a_store_stamps_what_it_writes_with_its_clock(tmp_path, clock):
    with tm.connect(f"sqlite:///{tmp_path}/t.db", clock=clock) as store:
        data = store.log_artifact("Dataset", "raw", uri="s3://b/raw")
        clock.advance("90s")
        with store.run("train") as run:
            run.log_input(data)
            run.log_metric("loss", 0.5)
            clock.advance(timedelta(minutes=5))
        done = store.get(run.execution)
        assert data.created_at == START
        assert done.started_at == START + timedelta(seconds=90)
        assert done.ended_at == START + timedelta(seconds=390)
        assert store.metrics(done)[0].timestamp == START + timedelta(seconds=90)
        assert {e.time for e in store.audit.log(limit=3)} <= {START, done.started_at, done.ended_at}


def test_search_compares_with_the_clocks_now(tmp_path, clock):
    with tm.connect(f"sqlite:///{tmp_path}/t.db", clock=clock) as store:
        store.log_artifact("Dataset", "old", uri="s3://b/old")
        clock.advance("8d")
        store.log_artifact("Dataset", "new", uri="s3://b/new")
        assert [a.name for a in store.search("created < now() - 7d")] == ["old"]
        clock.advance("30d")
        assert sorted(a.name for a in store.search("created < now() - 7d")) == ["new", "old"]


def test_a_server_stamps_with_the_clock_it_was_given(tmp_path, clock):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trailmark.server.app import create_app

    with TestClient(create_app(f"sqlite:///{tmp_path}/s.db", clock=clock)) as client:
        made = client.post("/api/v1/artifacts", json={"type": "Dataset", "name": "d", "uri": "s3://b/d"})
        assert made.status_code == 200, made.text
        assert datetime.fromisoformat(made.json()["created_at"]) == START


def test_a_manual_clock_moves_only_forward_when_advanced(clock):
    assert clock.now() == START
    assert clock.advance("2h") == START + timedelta(hours=2)
    assert clock.advance(30) == START + timedelta(hours=2, seconds=30)
    with pytest.raises(tm.ValidationError, match="only moves forward"):
        clock.advance(-1)
    with pytest.raises(tm.ValidationError, match="invalid duration"):
        clock.advance("soon")
    clock.set(datetime(2020, 1, 1))  # naive means UTC
    assert clock.now() == datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert isinstance(clock, tm.Clock) and isinstance(tm.SystemClock(), tm.Clock)
