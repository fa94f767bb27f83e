"""W2 search: a filtered, ordered, limited query over many executions, and fetching one by reference."""

from __future__ import annotations

import random
from collections.abc import Iterator

from bench import _data
from bench._result import Result
from bench._timing import timed
from bench.workloads import Context
from bench.workloads._common import connected, latency
from bench.workloads._loader import load

ORDER = ["metrics.rmse asc"]


def measure(ctx: Context) -> list[Result]:
    rows = _data.search_rows(ctx.sizes.executions)
    names = ctx.backends.names
    results = []
    for backend in names:
        if backend == "http" and "postgresql" in names:
            continue  # served from the PostgreSQL store measured just before
        database = "postgresql" if backend == "http" else backend
        with ctx.backends.store(database, "w2") as uri:
            with connected(uri) as store:
                ids, load_seconds = timed(load, store, rows)
                if backend != "http":
                    results += _queries(store, backend, ids, ctx, load_seconds)
            if "http" in names and database == "postgresql":
                with ctx.backends.serve(uri) as url, connected(url) as client:
                    results += _queries(client, "http", ids, ctx, load_seconds)
    return results


def _queries(store, backend: str, ids: list[int], ctx: Context, load_seconds: float) -> list[Result]:
    size = f"{len(ids):,} executions"
    found: list[int] = []

    def query() -> None:
        page = store.search(_data.SEARCH_FILTER, kind="executions", order_by=ORDER, limit=100)
        found.append(len(page.items))

    refs = _refs(ids)
    search = latency("W2", "search", backend, query, ctx.sizes.queries, size,
                     note="store.search(filter, kind='executions', order_by=['metrics.rmse asc'], limit=100)",
                     extra={"load_seconds": load_seconds, "loader": "bench/workloads/_loader.py (batched INSERTs)"})
    search.extra["rows"] = found[-1]
    return [
        search,
        latency("W2", "get", backend, lambda: store.get(next(refs)), ctx.sizes.queries * 4, size,
                note="store.get('exec:<id>')"),
    ]


def _refs(ids: list[int]) -> Iterator[str]:
    rng = random.Random(3)
    while True:
        yield f"exec:{rng.choice(ids)}"
