"""W5 concurrency: several processes writing to one store at once: writes/s and errors."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from typing import Any

from bench._result import Result
from bench.workloads import Context
from bench.workloads._common import result

STEPS = 8  # a cycle: start_execution, 8 x log_metrics, end_execution = 10 writes
WAIT_SECONDS = 600


@dataclass(frozen=True)
class Tally:
    """What one writer did, on the monotonic clock all processes share."""

    started: float
    ended: float
    writes: int
    errors: int
    first_error: str | None


def measure(ctx: Context) -> list[Result]:
    results = []
    for backend in ctx.backends.names:
        counts = ctx.sizes.sqlite_writers if backend == "sqlite" else ctx.sizes.server_writers
        with ctx.backends.store(backend, "w5") as uri:
            for count in counts:
                tallies = [_race(uri, count, ctx.sizes.writes_per_writer) for _ in range(min(ctx.sizes.repeats, 3))]
                errors = [t for race in tallies for t in race if t.errors]
                results.append(result(
                    "W5", f"{count} writer" + "s" * (count > 1), backend, "writes/s", [_rate(race) for race in tallies],
                    f"{ctx.sizes.writes_per_writer:,} writes each",
                    note="processes, each its own store; a write is one acknowledged call",
                    extra={"errors": sum(t.errors for t in errors),
                           "first_error": errors[0].first_error if errors else None},
                ))
    return results


def _rate(race: list[Tally]) -> float:
    return sum(t.writes for t in race) / (max(t.ended for t in race) - min(t.started for t in race))


def _race(uri: str, count: int, writes: int) -> list[Tally]:
    """Start ``count`` writer processes together and collect their tallies."""
    spawn = multiprocessing.get_context("spawn")
    barrier, queue = spawn.Barrier(count), spawn.Queue()
    workers = [spawn.Process(target=_writer, args=(uri, writes, barrier, queue)) for _ in range(count)]
    for worker in workers:
        worker.start()
    tallies = [queue.get(timeout=WAIT_SECONDS) for _ in workers]
    for worker in workers:
        worker.join()
    return tallies


def _writer(uri: str, writes: int, barrier: Barrier, queue: multiprocessing.Queue) -> None:
    import trailmark

    store: Any = trailmark.connect(uri)  # Any: the Store protocol does not list ``log_metrics``
    done = errors = 0
    first_error: str | None = None

    def attempt(call, *args, **kwargs):
        nonlocal done, errors, first_error
        try:
            value = call(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 (every failure counts: the target is zero errors)
            errors += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"
            return None
        done += 1
        return value

    barrier.wait()
    started = time.monotonic()
    while done + errors < writes:
        execution = attempt(store.start_execution, "Train", "writer")
        if execution is None:
            continue
        for step in range(STEPS):
            attempt(store.log_metrics, execution, {"loss": 1.0 / (step + 1), "accuracy": step / STEPS}, step=step)
        attempt(store.end_execution, execution)
    ended = time.monotonic()
    store.close()
    queue.put(Tally(started, ended, done, errors, first_error))
