"""W6: the same MLflow client calls against MLflow's server, FastTrackML and trailmark server.

Each run: create_run, one log_batch (10 params, 5 tags, 300 metric points), one dataset
input (log_inputs), set_terminated; then one search_runs with a metric and a param
filter. Every server gets a fresh SQLite file (and trailmark also PostgreSQL when
$TRAILMARK_BENCH_POSTGRES_URL names an empty database), one worker process, on loopback.

    python -m bench.mlflow_api [--runs N]      # prints a Markdown table

FastTrackML is measured when its ``fml`` binary is on PATH (``pip install fasttrackml``
in a virtualenv of its own: its wheel pins mlflow<3). It has no ``log_inputs``, so its runs
make one call fewer; trailmark is then also measured on FastTrackML's calls (no inputs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/2.0/mlflow/experiments/get?experiment_id=0", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{proc.args} did not answer within {timeout:.0f} s")


def _trailmark() -> list[str]:
    """The trailmark CLI of this interpreter (the checkout on $PYTHONPATH, if any)."""
    return [sys.executable, "-c", "from trailmark.cli import main; main()"]


def _servers(folder: Path) -> dict[str, list[str]]:
    found = {
        "trailmark (SQLite)": [*_trailmark(), "--uri", f"sqlite:///{folder}/tm.db", "server",
                               "--artifacts-root", str(folder / "tm-artifacts"), "--port", "{port}"],
        "MLflow 3.17.2 (SQLite)": [sys.executable, "-m", "mlflow", "server", "--backend-store-uri",
                                   f"sqlite:///{folder}/mlflow.db", "--default-artifact-root",
                                   str(folder / "mlflow-artifacts"), "--host", "127.0.0.1", "--port", "{port}",
                                   "--workers", "1"],
    }
    if os.environ.get("TRAILMARK_BENCH_POSTGRES_URL"):
        found["trailmark (PostgreSQL)"] = [*_trailmark(), "--uri",
                                           os.environ["TRAILMARK_BENCH_POSTGRES_URL"], "server", "--artifacts-root",
                                           str(folder / "tm-pg-artifacts"), "--port", "{port}"]
    if shutil.which("fml"):
        found["FastTrackML (SQLite)"] = ["fml", "server", "--listen-address", "127.0.0.1:{port}", "--database-uri",
                                         f"sqlite://{folder}/fml.db", "--default-artifact-root",
                                         str(folder / "fml-artifacts")]
    return found


def _workload(url: str, runs: int, *, inputs: bool = True) -> dict[str, Any]:
    """``runs`` runs against ``url`` (with ``inputs=False``, no ``log_inputs``: the calls FastTrackML has)."""
    from mlflow.entities import Dataset as DatasetEntity
    from mlflow.entities import DatasetInput, InputTag, Metric, Param, RunTag
    from mlflow.exceptions import RestException
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=url)
    exp_id = client.create_experiment(f"bench-{time.time_ns()}")
    dataset = DatasetInput(DatasetEntity("housing", "a1b2c3d4", "local", '{"uri": "file:///data/housing.csv"}'),
                           tags=[InputTag("mlflow.data.context", "training")])
    now = int(time.time() * 1000)
    durations = []
    for i in range(runs):
        started = time.perf_counter()
        run_id = client.create_run(exp_id, run_name=f"run-{i}").info.run_id
        client.log_batch(run_id, metrics=[Metric(f"m{k % 3}", float(k), now + k, k // 3) for k in range(300)],
                         params=[Param(f"p{k}", str(k + i)) for k in range(10)],
                         tags=[RunTag(f"t{k}", "bench") for k in range(5)])
        if inputs:
            try:
                client.log_inputs(run_id, [dataset])
            except RestException as exc:  # FastTrackML 0.6 has no runs/log-inputs
                if exc.error_code != "ENDPOINT_NOT_FOUND":
                    raise
                inputs = False
        client.set_terminated(run_id)
        durations.append(time.perf_counter() - started)
    searches = []
    for _ in range(5):
        started = time.perf_counter()
        found = client.search_runs([exp_id], "metrics.m0 > 10 and params.p1 != 'x'", max_results=100)
        searches.append(time.perf_counter() - started)
        assert len(found) == min(runs, 100), len(found)
    return {"runs_per_s": runs / sum(durations), "run_ms": statistics.median(durations) * 1000,
            "search_ms": statistics.median(searches) * 1000, "inputs": inputs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-mlflow-") as tmp:
        for name, command in _servers(Path(tmp)).items():
            port = _port()
            argv = [part.replace("{port}", str(port)) for part in command]
            env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true"}
            with open(Path(tmp) / f"{port}.log", "w") as log:
                proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
            try:
                url = f"http://127.0.0.1:{port}"
                _wait(url, proc)
                _workload(url, 3)  # warm up: first requests, caches, the default experiment
                results[name] = _workload(url, args.runs)
                if name.startswith("trailmark") and shutil.which("fml"):  # FastTrackML has no log-inputs
                    results[f"{name}, FastTrackML's calls"] = _workload(url, args.runs, inputs=False)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    base = results.get("MLflow 3.17.2 (SQLite)", {}).get("runs_per_s")
    print(f"W6, {args.runs} runs each (10 params, 5 tags, 300 points via log-batch, one input), then a search\n")
    print("| server | runs/s | median run (ms) | median search (ms) | runs/s vs MLflow |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, figures in results.items():
        ratio = f"{figures['runs_per_s'] / base:.1f}x" if base else "-"
        note = "" if figures["inputs"] else " (no log-inputs)"
        print(f"| {name}{note} | {figures['runs_per_s']:.1f} | {figures['run_ms']:.1f} | {figures['search_ms']:.1f} "
              f"| {ratio} |")


if __name__ == "__main__":
    main()
