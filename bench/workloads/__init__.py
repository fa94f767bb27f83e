"""Trailmark's side of each workload: ``measure(ctx) -> list[Result]`` per module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench._backends import Backends
from bench._sizes import Sizes


@dataclass
class Context:
    """What a workload needs: how much work, which backends, where to write."""

    sizes: Sizes
    backends: Backends
    workdir: Path


TITLES = {
    "W1": "logging",
    "W2": "search",
    "W3": "lineage",
    "W4": "capture",
    "W5": "concurrency",
    "W6": "similar datasets",
}

MODULES = {
    "W1": "bench.workloads.w1_logging",
    "W2": "bench.workloads.w2_search",
    "W3": "bench.workloads.w3_lineage",
    "W4": "bench.workloads.w4_capture",
    "W5": "bench.workloads.w5_concurrency",
    "W6": "bench.workloads.w6_similar",
}
