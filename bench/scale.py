"""Scale on PostgreSQL (issue 19's W6): load runs, points and lineage through the public write path, then query.

Every step is a training run written through ``store.batch()``: one execution with two
params, ``--points-per-run`` points of ``loss`` and an ``rmse``, reading the previous
step's model and writing its own (chains of ``CHAIN`` steps: the lineage graph has two
nodes per run). One more run holds 10,000 points (the metric history query). Queries
are timed at ``--compare`` runs (default 100k) and again at the full size, on the same
database: search (the W2 filter), get by reference, that run's metric history, a depth-20
walk up a chain, and the UI's runs page. Table sizes (bytes per row) end the report.

    python -m bench.scale [--runs 1000000] [--points-per-run 10] [--minutes 20] [--url postgresql://...]

Run by hand, not in CI. Without ``--url`` a throwaway cluster is started (scripts/test-postgres:
fsync off, so load rates are an upper bound for a durable server).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BATCH = 500  # runs per store.batch(): one transaction
CHAIN = 100  # steps per lineage chain
HISTORY_POINTS = 10_000
SEARCH = "metrics.rmse < 0.5 and params.model = 'rf'"
TABLES = ("nodes", "executions", "artifacts", "params", "events", "metrics", "latest_metrics", "audit_log")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with _database(args.url) as url:
        report = run(url, runs=args.runs, points_per_run=args.points_per_run, compare=args.compare,
                     minutes=args.minutes, queries=args.queries)
    out = Path(args.out) / f"scale-{datetime.now(timezone.utc):%Y-%m-%d}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(markdown(report))
    print(f"results: {out}", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000, help="executions to load (default 1,000,000)")
    parser.add_argument("--points-per-run", type=int, default=10, help="metric points per run (default 10)")
    parser.add_argument("--compare", type=int, default=100_000, help="also query at this many runs (default 100k)")
    parser.add_argument("--minutes", type=float, default=20.0, help="stop loading after this long (default 20)")
    parser.add_argument("--queries", type=int, default=50, help="timed calls per query (default 50)")
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway cluster)")
    parser.add_argument("--out", default="bench/results", help="where scale-<date>.json goes")
    return parser


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from bench import _postgres

    with _postgres.cluster() as base, _postgres.database(base, "trailmark_scale") as made:
        yield made


def run(url: str, *, runs: int, points_per_run: int, compare: int, minutes: float, queries: int) -> dict[str, Any]:
    """Load up to ``runs`` runs (or for ``minutes``), querying at ``compare`` runs and at the end."""
    from trailmark.entities import Metric
    from trailmark.store.sql import SqlStore

    store = SqlStore(url, project="scale")
    rng = random.Random(6)
    now = datetime.now(timezone.utc)
    with store.batch() as b:
        long_run = b.start_execution("Train", "history", params={"model": "rf"})
        b.log_metric_points(long_run, [Metric("loss", 1 / (s + 1), s, now) for s in range(HISTORY_POINTS)])
    history_id = long_run.value.id
    report: dict[str, Any] = {"runs_asked": runs, "points_per_run": points_per_run, "stages": []}
    loaded, points, seconds = 0, HISTORY_POINTS, 0.0
    previous: Any = None  # the last model of the chain being built
    ids: list[int] = []
    tails: list[int] = []
    deadline = time.monotonic() + minutes * 60
    checkpoints = sorted({c for c in (compare, runs) if 0 < c <= runs})
    shown = time.monotonic()
    while loaded < runs and time.monotonic() < deadline:
        size = min(BATCH, runs - loaded, *(c - loaded for c in checkpoints if c > loaded))
        started = time.perf_counter()
        with store.batch() as b:
            pending = []
            for i in range(loaded, loaded + size):
                step = i % CHAIN
                if step == 0:
                    previous = None
                run_ = b.start_execution("Train", f"run-{i}",
                                         params={"model": rng.choice(("rf", "gb", "lr", "mlp")), "lr": rng.random()})
                b.log_metric_points(run_, [Metric("loss", rng.random(), s, now) for s in range(points_per_run)])
                b.log_metrics(run_, {"rmse": rng.random()})
                model = b.log_artifact("Model", f"chain-{i // CHAIN}-step-{step}", f"s3://models/{i}")
                b.link(run_, inputs=[previous] if previous is not None else [], outputs=[model])
                b.end_execution(run_)
                previous = model
                pending.append((run_, model, step))
        seconds += time.perf_counter() - started
        for run_, model, step in pending:
            ids.append(run_.value.id)
            if step == CHAIN - 1:
                tails.append(model.value.id)
        previous = previous.value if previous is not None else None
        loaded += size
        points += size * (points_per_run + 1)
        if time.monotonic() - shown > 30:
            shown = time.monotonic()
            print(f"scale: {loaded:,} runs, {points:,} points, {loaded / seconds:,.0f} runs/s", file=sys.stderr)
        if loaded in checkpoints or loaded >= runs or time.monotonic() >= deadline:
            stage = {"runs": loaded, "points": points, "nodes": 2 * loaded + 1, "load_seconds": round(seconds, 1),
                     "runs_per_s": round(loaded / seconds), "points_per_s": round(points / seconds),
                     "nodes_per_s": round(2 * loaded / seconds)}
            stage["queries"] = _queries(store, rng, ids, tails, history_id, queries)
            stage["tables"] = _tables(store)
            report["stages"].append(stage)
            print(f"scale: stage {json.dumps(stage)}", file=sys.stderr)
    store.close()
    return report


def _queries(store: Any, rng: random.Random, ids: list[int], tails: list[int], history: int,
             times: int) -> dict[str, dict[str, float]]:
    from trailmark.server.ui._runs import runs_page

    _vacuum_analyze(store)
    cases: dict[str, Callable[[], object]] = {
        "search": lambda: store.search(SEARCH, kind="executions", order_by=["metrics.rmse asc"], limit=100),
        "get": lambda: store.get(f"exec:{rng.choice(ids)}"),
        "metric history (10k points)": lambda: store.metrics(history, key="loss"),
        "lineage depth 20": lambda: store.lineage(rng.choice(tails), direction="upstream", depth=20),
        "UI runs page": lambda: runs_page(store, filter="", order_by=[], limit=100, page_token=None,
                                          include_deleted=False),
    }
    return {name: _latency(call, times) for name, call in cases.items()}


def _latency(call: Callable[[], object], times: int) -> dict[str, float]:
    for _ in range(3):
        call()  # warm: plans, caches, connections
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=20)
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(cuts[18], 2)}


def _vacuum_analyze(store: Any) -> None:
    """Fresh planner statistics and visibility maps, as autovacuum would leave them once the load has settled.

    Run before the queries so that autovacuum, woken by the load, does not run beside them.
    """
    with store.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def _tables(store: Any) -> dict[str, Any]:
    sizes: dict[str, Any] = {}
    with store.engine.connect() as conn:
        for table in TABLES:
            rows = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            total = conn.exec_driver_sql(f"SELECT pg_total_relation_size('{table}')").scalar_one()
            heap = conn.exec_driver_sql(f"SELECT pg_relation_size('{table}')").scalar_one()
            sizes[table] = {"rows": rows, "bytes": total, "heap_bytes": heap,
                            "bytes_per_row": round(total / rows) if rows else None}
        sizes["database_bytes"] = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
    return sizes


def markdown(report: dict[str, Any]) -> str:
    """The stages side by side: load rates, query latencies, table sizes."""
    stages = report["stages"]
    head = "| | " + " | ".join(f"{s['runs']:,} runs" for s in stages) + " |"
    rule = "| --- |" + " --- |" * len(stages)
    lines = [head, rule]
    for key, label in (("points", "metric points"), ("nodes", "lineage nodes"), ("runs_per_s", "load, runs/s"),
                       ("points_per_s", "load, points/s"), ("nodes_per_s", "load, nodes/s")):
        lines.append(f"| {label} | " + " | ".join(f"{s[key]:,}" for s in stages) + " |")
    lines.append("| database size | " + " | ".join(f"{s['tables']['database_bytes'] / 2**30:.2f} GiB"
                                                  for s in stages) + " |")
    for name in stages[0]["queries"]:
        lines.append(f"| {name}, p50 / p95 ms | " + " | ".join(
            f"{s['queries'][name]['p50_ms']} / {s['queries'][name]['p95_ms']}" for s in stages) + " |")
    last = stages[-1]["tables"]
    lines += ["", "| table | rows | size | bytes per row |", "| --- | --- | --- | --- |"]
    for table in TABLES:
        t = last[table]
        lines.append(f"| {table} | {t['rows']:,} | {t['bytes'] / 2**20:,.0f} MiB | {t['bytes_per_row']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
