"""Clocks for throughput and latency samples (standard library only)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def seconds(work: Callable[[], object]) -> float:
    """Wall-clock seconds ``work()`` takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def timed(work: Callable[..., T], *args: object) -> tuple[T, float]:
    """What ``work(*args)`` returns, and the wall-clock seconds it took."""
    start = time.perf_counter()
    value = work(*args)
    return value, time.perf_counter() - start


class Samples(list):
    """Wall-clock samples; ``cpu`` holds the same figures measured on this process's CPU time.

    On a shared machine, CPU time is the steadier clock for work done inside the process
    (SQLite, ML Metadata, MLflow on SQLite), since waiting for a core is not counted.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []


def latencies_ms(query: Callable[[], object], times: int, *, warmup: int = 2) -> Samples:
    """Milliseconds of each of ``times`` calls of ``query``, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        query()
    samples = Samples()
    for _ in range(times):
        wall, cpu = time.perf_counter(), time.process_time()
        query()
        samples.append((time.perf_counter() - wall) * 1000)
        samples.cpu.append((time.process_time() - cpu) * 1000)
    return samples


def rates(work: Callable[[], int], repeats: int) -> Samples:
    """Units per second of ``repeats`` calls of ``work``, which returns the units it did."""
    samples = Samples()
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        done = work()
        samples.append(done / (time.perf_counter() - wall))
        samples.cpu.append(done / max(time.process_time() - cpu, 1e-9))
    return samples
