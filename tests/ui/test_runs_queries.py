"""The runs page's SQL: a constant number of statements whatever the page size (no query per run)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

BACKGROUND = ("trailmark-webhooks", "trailmark-reaper")  # the server's own threads, not the request's


@contextmanager
def counted(engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block, but for the server's own background threads."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not threading.current_thread().name.startswith(BACKGROUND):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def served(store_uri) -> Iterator[tuple[object, object]]:
    from fastapi.testclient import TestClient

    from trailmark.server import create_app

    app = create_app(store_uri)
    with TestClient(app) as client:
        store = app.state.store
        for i in range(40):
            run = store.start_execution("Train", f"run-{i}", params={"i": i})
            for step in range(3):
                store.log_metrics(run, {"loss": 1.0 / (step + 1 + i), "rmse": float(i)}, step=step)
            if i % 2:
                store.end_execution(run)
        yield client, store


def _page(client, limit: int) -> dict:
    response = client.get("/api/v1/ui/runs", params={"limit": limit})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_runs_page_runs_the_same_statements_for_5_or_40_runs(served):
    client, store = served
    _page(client, 1)  # the server's first request also looks up and keeps the project's id
    with counted(store.engine) as small:
        assert len(_page(client, 5)["items"]) == 5
    with counted(store.engine) as large:
        assert len(_page(client, 40)["items"]) == 40
    assert len(large) == len(small), f"{len(small)} statements for 5 runs, {len(large)} for 40"
    assert sum("latest_metrics" in s for s in large) == 1, "one query for the latest metrics of the whole page"


def test_each_run_carries_its_own_latest_metrics(served):
    client, store = served
    items = _page(client, 40)["items"]
    for item in items:
        i = int(item["name"].removeprefix("run-"))
        assert item["metrics"] == {"loss": 1.0 / (3 + i), "rmse": float(i)}
        assert item["metrics"] == store.latest_metrics(item["id"])
    assert store.latest_metrics_of([items[0]["id"], items[1]["id"], items[0]["id"]]) == [
        items[0]["metrics"], items[1]["metrics"], items[0]["metrics"]]
