"""ML Metadata (SQLite) doing the work of W1 (graph writes), W2 (filtered listing) and W3 (lineage).

Run by the harness in ML Metadata's venv: ``python -m bench.anchors.mlmd_workloads W3 SIZES WORKDIR``.
"""

from __future__ import annotations

import random
from pathlib import Path

from ml_metadata import metadata_store
from ml_metadata.proto import metadata_store_pb2 as pb

from bench import _data
from bench._result import Result
from bench._sizes import Sizes
from bench._timing import latencies_ms, rates, seconds
from bench.anchors._cli import main
from bench.anchors._mlmd_lineage import Lineage, Node, build_chain, build_fanout

TOOL, BACKEND = "mlmd", "sqlite"
BATCH = 1_000
FILTER = "custom_properties.model.string_value = 'rf' AND custom_properties.rmse.double_value < 0.5"


def _store(workdir: Path, name: str) -> metadata_store.MetadataStore:
    workdir.mkdir(parents=True, exist_ok=True)
    config = pb.ConnectionConfig()
    config.sqlite.filename_uri = str(workdir / f"mlmd-{name}.db")
    config.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    return metadata_store.MetadataStore(config)


def _type(store: metadata_store.MetadataStore, kind: str, name: str) -> int:
    put = {"artifact": (store.put_artifact_type, pb.ArtifactType),
           "execution": (store.put_execution_type, pb.ExecutionType),
           "context": (store.put_context_type, pb.ContextType)}[kind]
    return put[0](put[1](name=name))


def _set(message: pb.Artifact | pb.Execution, values: dict) -> None:
    for key, value in values.items():
        prop = message.custom_properties[key]
        if isinstance(value, str):
            prop.string_value = value
        elif isinstance(value, int):
            prop.int_value = value
        else:
            prop.double_value = value


def _result(workload: str, case: str, unit: str, samples: list[float], size: str, **kw) -> Result:
    cpu = list(getattr(samples, "cpu", []))
    return Result(workload, case, TOOL, BACKEND, unit, unit != "ms", list(samples), size=size, cpu_samples=cpu, **kw)


# -- W1: the graph of a run ------------------------------------------------------------------


def w1(sizes: Sizes, workdir: Path) -> list[Result]:
    store = _store(workdir, "w1")
    dataset, model = _type(store, "artifact", "Dataset"), _type(store, "artifact", "Model")
    train = _type(store, "execution", "Train")
    [context_id] = store.put_contexts([pb.Context(type_id=_type(store, "context", "Experiment"), name="bench")])
    context = store.get_contexts_by_id([context_id])[0]
    counter = iter(range(10**9))

    def graphs() -> int:
        for _ in range(sizes.graph_runs):
            i = next(counter)
            execution = pb.Execution(type_id=train, name=f"run-{i}", last_known_state=pb.Execution.COMPLETE)
            _set(execution, _data.PARAMS)
            data = pb.Artifact(type_id=dataset, name=f"data-{i}", uri=f"file:///data/{i}.parquet")
            fitted = pb.Artifact(type_id=model, name=f"model-{i}", uri=f"file:///models/{i}.pkl")
            store.put_execution(
                execution,
                [(data, pb.Event(type=pb.Event.INPUT)), (fitted, pb.Event(type=pb.Event.OUTPUT))],
                [context],
            )
        return sizes.graph_runs * 5  # 3 nodes + 2 events

    return [_result("W1", "graph_writes", "nodes+edges/s", rates(graphs, sizes.repeats),
                    f"{sizes.graph_runs:,} runs x 5", note="put_execution: execution, 2 artifacts, 2 events, context")]


# -- W2: filtered listing -----------------------------------------------------------------------


def w2(sizes: Sizes, workdir: Path) -> list[Result]:
    store = _store(workdir, "w2")
    dataset = _type(store, "artifact", "Dataset")
    rows = _data.search_rows(sizes.executions)
    ids: list[int] = []

    def load() -> None:
        for start in range(0, len(rows), BATCH):
            batch = []
            for row in rows[start : start + BATCH]:
                artifact = pb.Artifact(type_id=dataset, name=f"run-{row.index}")
                _set(artifact, {**row.params, "rmse": row.rmse, "mae": row.mae})
                batch.append(artifact)
            ids.extend(store.put_artifacts(batch))

    load_seconds = seconds(load)
    found: list[int] = []

    def query() -> None:
        found.append(len(store.get_artifacts(list_options=metadata_store.ListOptions(limit=100, filter_query=FILTER))))

    rng = random.Random(3)
    size = f"{sizes.executions:,} artifacts"
    return [
        _result("W2", "search", "ms", latencies_ms(query, sizes.queries), size,
                note="get_artifacts(filter_query, limit=100); cannot order by a property",
                extra={"rows": found[-1], "load_seconds": load_seconds, "loader": "put_artifacts, 1,000 per call"}),
        _result("W2", "get", "ms",
                latencies_ms(lambda: store.get_artifacts_by_id([rng.choice(ids)]), sizes.queries * 4),
                size, note="get_artifacts_by_id"),
    ]


# -- W3: lineage walks --------------------------------------------------------------------------


def w3(sizes: Sizes, workdir: Path) -> list[Result]:
    store = _store(workdir, "w3")
    results = []
    for shape, build, width in (("chain", build_chain, sizes.chain), ("fanout", build_fanout, sizes.fanout)):
        first, last = build(store, width)
        size = f"{width:,}" + (" nodes" if shape == "chain" else " wide")
        for direction, start in (("down", first), ("up", last)):
            for depth in (10, None):
                case = f"{shape} {direction} {'d10' if depth else 'all'}"
                results.append(_walks(Lineage(store), case, size, start, direction, depth, sizes.queries))
    return results


def _walks(lineage: Lineage, case: str, size: str, start: Node, direction: str, depth: int | None,
           times: int) -> Result:
    walked: list[tuple[int, int]] = []
    samples = latencies_ms(lambda: walked.append(lineage.walk(start, direction, depth)), times)
    nodes, calls = walked[-1]
    return _result("W3", case, "ms", samples, size, note="get_lineage_subgraph, at most 100 hops per call",
                   extra={"nodes": nodes, "calls": calls})


if __name__ == "__main__":
    main({"W1": w1, "W2": w2, "W3": w3})
