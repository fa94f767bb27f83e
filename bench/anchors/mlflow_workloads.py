"""MLflow Tracking (SQLite backend) doing the work of W1, W2 and W4.

Run by the harness in MLflow's venv: ``python -m bench.anchors.mlflow_workloads W1 SIZES WORKDIR``.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param

from bench import _data
from bench._result import Result
from bench._sizes import Sizes
from bench._timing import latencies_ms, rates, seconds
from bench.anchors._cli import main

TOOL, BACKEND = "mlflow", "sqlite"
BATCH = 1_000  # log_batch's limit on metrics per call


def _client(workdir: Path, name: str) -> tuple[MlflowClient, str]:
    """A client on a fresh SQLite store, and an experiment whose artifacts stay in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(f"sqlite:///{workdir / f'mlflow-{name}.db'}")
    client = MlflowClient()
    experiment = client.create_experiment(name, artifact_location=(workdir / f"artifacts-{name}").as_uri())
    mlflow.set_experiment(experiment_id=experiment)
    return client, experiment


def _result(workload: str, case: str, unit: str, samples: list[float], size: str, *, backend: str = BACKEND,
            **kw) -> Result:
    cpu = list(getattr(samples, "cpu", []))
    return Result(workload, case, TOOL, backend, unit, unit != "ms", list(samples), size=size, cpu_samples=cpu, **kw)


# -- W1 logging ---------------------------------------------------------------------------


def w1(sizes: Sizes, workdir: Path) -> list[Result]:
    client, _ = _client(workdir, "w1")
    df = _data.frame(1_000)
    counter = iter(range(10**9))

    def one_run() -> None:
        i = next(counter)
        with mlflow.start_run(run_name=f"run-{i}") as run:
            mlflow.log_params(_data.PARAMS)
            mlflow.set_tags(_data.TAGS)
            mlflow.log_input(mlflow.data.from_pandas(df, name="bench-input"), context="training")
            now = int(time.time() * 1000)
            points = [Metric(k, _data.metric_value(k, s), now, s)
                      for s in range(_data.STEPS) for k in _data.METRIC_KEYS]
            for start in range(0, len(points), BATCH):
                client.log_batch(run.info.run_id, metrics=points[start : start + BATCH])
            mlflow.create_external_model(name="bench-model", source_run_id=run.info.run_id)

    def runs() -> int:
        for _ in range(sizes.runs):
            one_run()
        return sizes.runs

    def single(synchronous: bool):
        def work() -> int:
            with mlflow.start_run():
                for i in range(sizes.mlflow_single_points):
                    key = _data.METRIC_KEYS[i % 3]
                    mlflow.log_metric(key, _data.metric_value(key, i // 3), step=i // 3, synchronous=synchronous)
                if not synchronous:
                    mlflow.flush_async_logging()
            return sizes.mlflow_single_points
        return work

    def batched() -> int:
        with mlflow.start_run() as run:
            now = int(time.time() * 1000)
            for start in range(0, sizes.mlflow_batched_points, BATCH):
                points = [Metric("loss", 1.0 / (s + 1), now, s) for s in range(start, start + BATCH)]
                client.log_batch(run.info.run_id, metrics=points)
        return sizes.mlflow_batched_points

    return [
        _result("W1", "runs", "runs/s", rates(runs, sizes.repeats), f"{sizes.runs:,} runs",
                note="metrics with log_batch; model with create_external_model (metadata only)"),
        _result("W1", "points_single", "points/s", rates(single(True), sizes.repeats),
                f"{sizes.mlflow_single_points:,} calls", note="mlflow.log_metric, synchronous (the default)"),
        _result("W1", "points_single_async", "points/s", rates(single(False), sizes.repeats),
                f"{sizes.mlflow_single_points:,} calls", note="mlflow.log_metric(synchronous=False), flushed"),
        _result("W1", "points_batched", "points/s", rates(batched, sizes.repeats),
                f"{sizes.mlflow_batched_points:,} points", note="MlflowClient.log_batch, 1,000 per call"),
    ]


# -- W2 search ----------------------------------------------------------------------------


def w2(sizes: Sizes, workdir: Path) -> list[Result]:
    client, experiment = _client(workdir, "w2")
    rows = _data.search_rows(sizes.mlflow_runs)
    run_ids: list[str] = []

    def load() -> None:
        now = int(time.time() * 1000)
        for row in rows:
            run = client.create_run(experiment, run_name=f"run-{row.index}")
            client.log_batch(
                run.info.run_id,
                metrics=[Metric("rmse", row.rmse, now, 0), Metric("mae", row.mae, now, 0)],
                params=[Param(k, str(v)) for k, v in row.params.items()],
            )
            client.set_terminated(run.info.run_id)
            run_ids.append(run.info.run_id)

    load_seconds = seconds(load)
    found: list[int] = []

    def query() -> None:
        page = client.search_runs(
            [experiment], filter_string=_data.SEARCH_FILTER, order_by=["metrics.rmse ASC"], max_results=100
        )
        found.append(len(page))

    rng = random.Random(3)
    size = f"{sizes.mlflow_runs:,} runs"
    return [
        _result("W2", "search", "ms", latencies_ms(query, sizes.queries), size,
                note="MlflowClient.search_runs, filter + order by metrics.rmse, 100 rows",
                extra={"rows": found[-1], "load_seconds": load_seconds,
                       "loader": "create_run + log_batch + set_terminated"}),
        _result("W2", "get", "ms", latencies_ms(lambda: client.get_run(rng.choice(run_ids)), sizes.queries * 4), size,
                note="MlflowClient.get_run"),
    ]


# -- W4 capture ---------------------------------------------------------------------------


def w4(sizes: Sizes, workdir: Path) -> list[Result]:
    df = _data.frame(sizes.rows)
    described = []

    def capture() -> None:
        dataset = mlflow.data.from_pandas(df, name="bench")
        described.append((dataset.digest, json.dumps(dataset.to_dict())))

    samples = latencies_ms(capture, min(sizes.repeats, 3), warmup=0)
    digest, metadata = described[-1]
    changed = df.copy()
    changed.iloc[-1, 0] += 1.0
    covers_all = mlflow.data.from_pandas(changed, name="bench").digest != digest
    data_bytes = _data.frame_bytes(df)
    return [
        _result("W4", "capture", "ms", samples, f"{sizes.rows:,} x 10", backend="-",
                note="mlflow.data.from_pandas + digest",
                extra={"metadata_bytes": len(metadata), "data_bytes": data_bytes,
                       "metadata_share": len(metadata) / data_bytes, "digest_covers_all_rows": covers_all}),
    ]


if __name__ == "__main__":
    main({"W1": w1, "W2": w2, "W4": w4})
