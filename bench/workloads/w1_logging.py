"""W1 logging: whole runs, metric points one call at a time and in batches, and graph writes."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from typing import Any

from bench import _data
from bench._result import Result
from bench._timing import rates
from bench.workloads import Context
from bench.workloads._common import connected, fake_digest, result
from trailmark import Metric

BATCH = 1_000
GRAPHS_PER_BATCH = 100
POINTS_PER_RUN = len(_data.METRIC_KEYS) * _data.STEPS


def measure(ctx: Context) -> list[Result]:
    results = []
    for backend in ctx.backends.names:
        with ctx.backends.store(backend, "w1") as uri, connected(uri) as store:
            results += _measure(store, backend, ctx)
    return results


def _measure(store: Any, backend: str, ctx: Context) -> list[Result]:
    # ``store`` is Any: the Store protocol does not list StoreBase's conveniences (``run``).
    sizes = ctx.sizes
    inputs = _data.frame(1_000)
    model = _model()
    counter = itertools.count()

    def runs() -> int:
        for _ in range(sizes.runs):
            _one_run(store, next(counter), inputs, model)
        return sizes.runs

    def single() -> int:
        with store.run("single", type="Train") as run:
            for i in range(sizes.single_points):
                key = _data.METRIC_KEYS[i % 3]
                run.log_metric(key, _data.metric_value(key, i // 3), step=i // 3)
        return sizes.single_points

    def batched() -> int:
        execution = store.start_execution("Train", "batched")
        now = datetime.now(timezone.utc)
        for start in range(0, sizes.batched_points, BATCH):
            points = [Metric("loss", 1.0 / (s + 1), s, now) for s in range(start, start + BATCH)]
            store.log_metric_points(execution, points)
        store.end_execution(execution)
        return sizes.batched_points

    def graphs() -> int:
        for _ in range(sizes.graph_runs):
            _one_graph(store, next(counter))
        return sizes.graph_runs * 5

    def steps() -> int:
        for _ in range(sizes.graph_runs):
            _one_step(store, next(counter))
        return sizes.graph_runs * 5

    def batched_graphs() -> int:
        for start in range(0, sizes.graph_runs, GRAPHS_PER_BATCH):
            with store.batch() as b:
                for _ in range(start, min(start + GRAPHS_PER_BATCH, sizes.graph_runs)):
                    _one_graph(b, next(counter))
        return sizes.graph_runs * 5

    run_rates = rates(runs, sizes.repeats)
    return [
        result("W1", "runs", backend, "runs/s", run_rates, f"{sizes.runs:,} runs",
               note="store.run: params, 5 set_tag, log_input(DataFrame), 300 log_metric, log_model",
               extra={"points_per_s": [r * POINTS_PER_RUN for r in run_rates]}),
        result("W1", "points_single", backend, "points/s", rates(single, sizes.repeats),
               f"{sizes.single_points:,} calls", note="run.log_metric (buffered), flushed at the end of the run"),
        result("W1", "points_batched", backend, "points/s", rates(batched, sizes.repeats),
               f"{sizes.batched_points:,} points", note="store.log_metric_points, 1,000 per call"),
        result("W1", "graph_writes", backend, "nodes+edges/s", rates(graphs, sizes.repeats),
               f"{sizes.graph_runs:,} runs x 5",
               note="start_execution, 2 log_artifact, link, end_execution (5 transactions)"),
        result("W1", "graph_steps", backend, "nodes+edges/s", rates(steps, sizes.repeats),
               f"{sizes.graph_runs:,} runs x 5",
               note="execution, 2 artifacts logged as its outputs, 2 events, context: one log_step (1 transaction)"),
        result("W1", "graph_batched", backend, "nodes+edges/s", rates(batched_graphs, sizes.repeats),
               f"{sizes.graph_runs:,} runs x 5",
               note=f"the same 5 calls on store.batch(), {GRAPHS_PER_BATCH} graphs per batch (1 transaction)"),
    ]


def _one_run(store: Any, i: int, inputs: Any, model: Any) -> None:
    with store.run(f"run-{i}", type="Train", experiment="bench", params=_data.PARAMS) as run:
        run.set_tags(_data.TAGS)  # as MLflow's mlflow.set_tags: one call
        run.log_input(inputs, name="bench-input")
        for step in range(_data.STEPS):
            for key in _data.METRIC_KEYS:
                run.log_metric(key, _data.metric_value(key, step), step=step)
        run.log_model(model, name="bench-model")


def _one_graph(store: Any, i: int) -> None:
    execution = store.start_execution("Train", f"run-{i}", params=_data.PARAMS, context="bench")
    data = store.log_artifact("Dataset", f"data-{i}", f"file:///data/{i}.parquet", digest=fake_digest(f"data-{i}"))
    fitted = store.log_artifact("Model", f"model-{i}", f"file:///models/{i}.pkl", digest=fake_digest(f"model-{i}"))
    store.link(execution, inputs=[data], outputs=[fitted])
    store.end_execution(execution)


def _one_step(store: Any, i: int) -> None:
    store.log_step(
        "Train", f"step-{i}", params=_data.PARAMS, context="bench",
        outputs=[{"type": "Dataset", "name": f"data-{i}", "uri": f"file:///data/{i}.parquet",
                  "digest": fake_digest(f"data-{i}")},
                 {"type": "Model", "name": f"model-{i}", "uri": f"file:///models/{i}.pkl",
                  "digest": fake_digest(f"model-{i}")}],
    )


def _model() -> Any:
    """A small fitted scikit-learn model."""
    from sklearn.linear_model import LinearRegression

    frame = _data.frame(200)
    return LinearRegression().fit(frame[[f"f{i}" for i in range(5)]], frame["f5"])
