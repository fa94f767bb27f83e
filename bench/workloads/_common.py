"""Small helpers the Trailmark workloads share."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import trailmark
from bench._result import Result
from bench._timing import latencies_ms
from trailmark.store import Store

TOOL = "trailmark"
IN_PROCESS = ("sqlite", "-")  # backends whose work all happens in the measuring process


def result(workload: str, case: str, backend: str, unit: str, samples: list[float], size: str, **kw) -> Result:
    """A Trailmark result; a unit of "ms" means lower is better.

    CPU-time samples are kept only where all the work is in this process.
    """
    cpu = list(getattr(samples, "cpu", [])) if backend in IN_PROCESS else []
    return Result(workload, case, TOOL, backend, unit, unit != "ms", list(samples), size=size, cpu_samples=cpu, **kw)


def fake_digest(text: str) -> str:
    """A content digest for content the benchmark does not have."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@contextmanager
def connected(uri: str) -> Iterator[Store]:
    """A store on ``uri``, closed afterwards."""
    store = trailmark.connect(uri)
    try:
        yield store
    finally:
        store.close()


def latency(workload: str, case: str, backend: str, query, times: int, size: str, **kw) -> Result:
    """A latency result from ``times`` timed calls of ``query``."""
    return result(workload, case, backend, "ms", latencies_ms(query, times), size, **kw)
