"""W6 similar datasets: ``store.similar`` over many profiled datasets of one project.

The datasets are bulk-loaded (artifact rows with a synthetic profile, and the vector the
store keeps for each, computed by the store's own function), so the figure is the query:
the vectors a process has already read, the rows added since, the scoring, and the
explanation of the best five.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from bench._result import Result
from bench.workloads import Context
from bench.workloads._common import connected, fake_digest, latency
from trailmark.reuse._features import features
from trailmark.store.sql import SqlStore
from trailmark.store.sql._tables import artifacts, dataset_features, nodes, projects

BATCH = 5_000
_WORDS = ["id", "price", "size", "age", "city", "score", "label", "ts", "qty", "region", "user", "amount", "rate",
          "kind", "flag", "lat", "lon", "name", "count", "value", "zone", "sku", "color", "weight", "height"]


def measure(ctx: Context) -> list[Result]:
    results = []
    for backend in ctx.backends.names:
        if backend == "http":
            continue  # the work is the database's and the scoring's: measured in process
        with ctx.backends.store(backend, "w6") as uri, connected(uri) as store:
            results.append(_query(store, backend, load(store, ctx.sizes.datasets), ctx))
    return results


def _query(store: SqlStore, backend: str, ids: list[int], ctx: Context) -> Result:
    picks = random.Random(6)
    return latency(
        "W6", "similar", backend, lambda: store.similar(f"dataset:d{picks.randrange(len(ids))}", limit=5),
        ctx.sizes.queries, f"{len(ids):,} datasets", note="store.similar('dataset:<name>', limit=5)",
    )


def profile(rng: random.Random) -> dict[str, Any]:
    """A dataset profile as capture writes it: schema, rows, missing counts, numeric and categorical summaries."""
    rows = rng.choice([100, 1_000, 10_000, 100_000])
    schema, stats, categorical, missing = [], {}, {}, {}
    for column in rng.sample(_WORDS, rng.randint(3, 15)):
        dtype = rng.choice(["float64", "int64", "str"])
        schema.append({"name": column, "dtype": dtype})
        missing[column] = rng.randint(0, rows // 10)
        if dtype == "str":
            categorical[column] = {"cardinality": rng.randint(2, 500)}
        else:
            mean = rng.uniform(0, 1_000)
            stats[column] = {"mean": mean, "std": rng.uniform(1, 100), "q50": mean + rng.uniform(-20, 20)}
    return {"rows": rows, "columns": len(schema), "schema": schema, "missing": missing, "stats": stats,
            "categorical": categorical, "duplicate_rows": 0}


def load(store: SqlStore, count: int) -> list[int]:
    """Insert ``count`` Dataset artifacts named d0, d1... with profiles and their vectors; their ids."""
    rng = random.Random(60)
    now = datetime.now(timezone.utc)
    ids: list[int] = []
    with store.engine.begin() as conn:
        project_id = conn.execute(select(projects.c.id).where(projects.c.name == store.project)).scalar_one()
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        with store.engine.begin() as conn:
            new = conn.execute(
                nodes.insert().returning(nodes.c.id, sort_by_parameter_order=True), [{"kind": "artifact"}] * size
            ).scalars().all()
            rows = [(node, start + i, profile(rng)) for i, node in enumerate(new)]
            conn.execute(artifacts.insert(), [
                {"id": node, "project_id": project_id, "type": "Dataset", "name": f"d{index}", "version": 1,
                 "digest": fake_digest(f"d{index}"), "uri": f"s3://bench/d{index}.parquet", "properties": props,
                 "created_at": now, "created_by": "bench"}
                for node, index, props in rows
            ])
            conn.execute(dataset_features.insert(), [
                {"artifact_id": node, "project_id": project_id, "vector": features(props).pack()}
                for node, _, props in rows
            ])
        ids += new
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return ids
