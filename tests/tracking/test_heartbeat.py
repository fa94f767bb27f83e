"""The run's background flusher sends heartbeats; a failed one does not fail the run."""

from __future__ import annotations

import threading

from trailmark.errors import TrailmarkError
from trailmark.tracking._buffer import MetricBuffer


def test_flusher_sends_heartbeats_and_survives_a_failed_one():
    beats = threading.Semaphore(0)
    calls = []

    def beat() -> None:
        calls.append(1)
        beats.release()
        if len(calls) == 1:
            raise TrailmarkError("store briefly unreachable")

    buffer = MetricBuffer(lambda points: None, heartbeat=beat, heartbeat_seconds=0.01)
    assert beats.acquire(timeout=10) and beats.acquire(timeout=10), "a second heartbeat follows a failed one"
    buffer.close()


def test_a_run_heartbeats_while_open(store, monkeypatch):
    monkeypatch.setattr("trailmark.tracking._buffer.HEARTBEAT_SECONDS", 0.01)
    seen = threading.Event()
    original = type(store).heartbeat

    def spy(self, execution):
        original(self, execution)
        seen.set()

    monkeypatch.setattr(type(store), "heartbeat", spy)
    with store.run("alive") as run:
        assert seen.wait(10)
        assert store.get(run.execution.ref).heartbeat_at >= run.execution.heartbeat_at
