"""How much work each workload does, in quick and full mode."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Sizes:
    """Work per workload; the anchors receive the same object as JSON."""

    repeats: int             # samples of each throughput figure
    queries: int             # samples of each latency figure
    # W1 logging
    runs: int                # full runs (10 params, 3 x 100 points, 5 tags, input, model)
    single_points: int       # one log_metric call per point
    batched_points: int      # points written in batches of 1,000
    mlflow_single_points: int
    mlflow_batched_points: int
    graph_runs: int          # execution + 2 artifacts + 2 events, for the ML Metadata comparison
    # W2 search
    executions: int
    mlflow_runs: int
    # W3 lineage
    chain: int               # nodes in the chain
    fanout: int              # width of 1 -> N -> N
    # W4 capture
    rows: int
    # W5 concurrency
    writes_per_writer: int
    sqlite_writers: tuple[int, ...]
    server_writers: tuple[int, ...]
    # W6 similar datasets
    datasets: int = 10_000

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sizes:
        values = dict(data)
        for name in ("sqlite_writers", "server_writers"):
            values[name] = tuple(values[name])
        return cls(**values)


QUICK = Sizes(
    repeats=3, queries=20,
    runs=20, single_points=5_000, batched_points=20_000,
    mlflow_single_points=100, mlflow_batched_points=2_000, graph_runs=100,
    executions=5_000, mlflow_runs=200,
    chain=1_000, fanout=100,
    rows=100_000,
    writes_per_writer=40, sqlite_writers=(1, 2, 4), server_writers=(1, 2, 4),
)

FULL = Sizes(
    repeats=5, queries=50,
    runs=200, single_points=100_000, batched_points=200_000,
    mlflow_single_points=1_000, mlflow_batched_points=20_000, graph_runs=1_000,
    executions=100_000, mlflow_runs=10_000,
    chain=10_000, fanout=1_000,
    rows=1_000_000,
    writes_per_writer=300, sqlite_writers=(1, 2, 4), server_writers=(1, 2, 4, 8),
)
