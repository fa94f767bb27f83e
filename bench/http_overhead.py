"""The per-request cost of ``trailmark server``, and the SQL statements each MLflow request issues.

Overhead: a real ``trailmark server`` (one worker, a fresh SQLite file, a user and a token,
so every request is authenticated) answers, over one kept-alive connection of HttpStore's
transport, N times each: an empty authenticated GET (a node's tags, none set), a small
write (set one tag), and the same two through the MLflow API (experiments/get of the
Default experiment, runs/set-tag). Prints requests/s, the median latency and the server
process's CPU time per request (from /proc: what a busy machine does not blur).

Statements: the app served in this process by uvicorn, an SQLAlchemy ``before_cursor_execute``
listener on its engine, and the real mlflow client making the calls of bench.mlflow_api's
run; prints the statements each call issued (BEGIN/COMMIT included).

    python -m bench.http_overhead [--requests N] [--statements]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.mlflow_api import _port, _trailmark


def _serve(uri: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([*_trailmark(), "--uri", uri, "server", "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"trailmark server did not answer: see {folder / 'server.log'}")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _time(call: Callable[[int], Any], n: int, pid: int) -> dict[str, float]:
    for i in range(20):  # warm up
        call(-i - 1)
    durations = []
    cpu = _cpu_seconds(pid)
    for i in range(n):
        started = time.perf_counter()
        call(i)
        durations.append(time.perf_counter() - started)
    return {"per_s": n / sum(durations), "ms": statistics.median(durations) * 1000,
            "cpu_ms": (_cpu_seconds(pid) - cpu) / n * 1000}


def overhead(requests: int) -> dict[str, dict[str, float]]:
    import trailmark as tm
    from trailmark.store.http._transport import Transport

    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        uri = f"sqlite:///{tmp}/tm.db"
        with tm.connect(uri) as store:
            run = store.start_execution("Train", "overhead")
            store.add_user("bench")
            store.add_member("default", "bench", "admin")
            token = store.create_token("bench").token
        proc, url = _serve(uri, Path(tmp))
        try:
            transport = Transport(url, project="default", token=token, timeout=30)
            mlflow = transport.client
            run_uid = run.uid
            headers = {"Authorization": f"Bearer {token}"}
            calls: dict[str, Callable[[int], Any]] = {
                "GET /api/v1/tags/REF (empty)": lambda i: transport.request("GET", f"/tags/{run.ref}"),
                "POST /api/v1/tags/REF (one tag)": lambda i: transport.request(
                    "POST", f"/tags/{run.ref}", json={"key": "k", "value": str(i)}),
                "GET mlflow experiments/get": lambda i: mlflow.get(
                    "/api/2.0/mlflow/experiments/get", params={"experiment_id": "0"}, headers=headers
                ).raise_for_status(),
                "POST mlflow runs/set-tag": lambda i: mlflow.post(
                    "/api/2.0/mlflow/runs/set-tag", json={"run_id": run_uid, "key": "k", "value": str(i)},
                    headers=headers).raise_for_status(),
            }
            found = {name: _time(call, requests, proc.pid) for name, call in calls.items()}
            pool = getattr(transport.client._transport, "_pool", None)
            print(f"HttpStore's transport opened {len(pool.connections) if pool else '?'} connection(s) for "
                  f"{len(calls) * (requests + 20)} requests\n")
            transport.close()
            return found
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@contextmanager
def _in_process(uri: str) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from trailmark.server.app import create_app

    app = create_app(uri)
    port = _port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def statements() -> dict[str, int]:
    """The SQL statements of each MLflow call of one bench.mlflow_api run (after a warm-up run)."""
    from mlflow.entities import Dataset as DatasetEntity
    from mlflow.entities import DatasetInput, InputTag, Metric, Param, RunTag
    from mlflow.tracking import MlflowClient
    from sqlalchemy import event

    with tempfile.TemporaryDirectory(prefix="bench-statements-") as tmp, _in_process(f"sqlite:///{tmp}/tm.db") as (
            url, app):
        count = [0]

        def counted(*_: Any) -> None:
            count[0] += 1

        event.listen(app.state.store.engine, "before_cursor_execute", counted)
        client = MlflowClient(tracking_uri=url)
        exp_id = client.create_experiment("statements")
        dataset = DatasetInput(DatasetEntity("housing", "a1b2c3d4", "local", '{"uri": "file:///data/h.csv"}'),
                               tags=[InputTag("mlflow.data.context", "training")])
        now = int(time.time() * 1000)
        found: dict[str, int] = {}
        for attempt in range(2):
            def measure(name: str, call: Callable[[], Any]) -> Any:
                before = count[0]
                result = call()
                found[name] = count[0] - before
                return result

            run_id = measure("runs/create", lambda: client.create_run(exp_id, run_name="r").info.run_id)
            params = [Param(f"p{k}", str(k + attempt)) for k in range(10)]
            measure("runs/log-batch", lambda run_id=run_id, params=params: client.log_batch(
                run_id, metrics=[Metric(f"m{k % 3}", float(k), now + k, k // 3) for k in range(300)],
                params=params, tags=[RunTag(f"t{k}", "bench") for k in range(5)]))
            measure("runs/log-inputs", lambda run_id=run_id: client.log_inputs(run_id, [dataset]))
            measure("runs/update (get, then update)", lambda run_id=run_id: client.set_terminated(run_id))
            measure("runs/search", lambda: client.search_runs([exp_id], "metrics.m0 > 10 and params.p1 != 'x'"))
            measure("runs/create (Default experiment)", lambda: client.create_run("0").info.run_id)
            measure("experiments/get", lambda: client.get_experiment(exp_id))
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--statements", action="store_true", help="count SQL statements per MLflow call instead")
    args = parser.parse_args()
    if args.statements:
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
        print("| MLflow call | SQL statements |\n| --- | ---: |")
        for name, n in statements().items():
            print(f"| {name} | {n} |")
        return
    print(f"{args.requests} requests each, one kept-alive connection, load average {os.getloadavg()[0]:.2f}\n")
    print("| request | requests/s | median (ms) | server CPU per request (ms) |\n| --- | ---: | ---: | ---: |")
    for name, figures in overhead(args.requests).items():
        print(f"| {name} | {figures['per_s']:.0f} | {figures['ms']:.2f} | {figures['cpu_ms']:.2f} |")


if __name__ == "__main__":
    main()
