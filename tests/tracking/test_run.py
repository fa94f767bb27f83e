"""tm.run: status, errors, params, buffered metrics, inputs/outputs, environment and resources."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest

import trailmark as tm
from trailmark.tracking import _buffer


def test_complete_run_records_environment_and_resources(store):
    with tm.run("train", type="Train", experiment="exp", params={"n": 1}) as run:
        sum(range(10_000))
    execution = store.get(run.execution.ref)
    assert execution.status == "COMPLETE" and execution.params == {"n": 1}
    env = execution.environment
    assert {"python", "platform", "host", "user"} <= set(env)
    assert env["packages_digest"].startswith("sha256:")
    assert "sqlalchemy" in store.packages(env["packages_digest"])
    assert {"wall_seconds", "cpu_seconds"} <= set(execution.resources)
    assert execution.resources["wall_seconds"] >= 0


def test_failed_run_stores_type_and_message_and_reraises(store):
    with pytest.raises(KeyError):
        with store.run("bad", type="Train") as run:
            run.log_metric("loss", 1.0)
            raise KeyError("missing column")
    execution = store.get(run.execution.ref)
    assert execution.status == "FAILED"
    assert execution.error.startswith("KeyError") and "missing column" in execution.error
    assert [m.value for m in store.metrics(execution)] == [1.0], "metrics buffered before the error are kept"


def test_log_metric_without_step_counts_per_key(store):
    with store.run("loop") as run:
        for value in (3.0, 2.0, 1.0):
            run.log_metric("loss", value)
        run.log_metric("acc", 0.9)
    series = store.metrics(run.execution, key="loss")
    assert [(m.step, m.value) for m in series] == [(0, 3.0), (1, 2.0), (2, 1.0)]
    assert store.latest_metrics(run.execution) == {"acc": 0.9, "loss": 1.0}


def test_metrics_are_flushed_in_the_background(store, monkeypatch):
    monkeypatch.setattr(_buffer, "FLUSH_SECONDS", 0.05)
    with store.run("slow") as run:
        run.log_metric("x", 1.0)
        deadline = time.monotonic() + 5
        while not store.metrics(run.execution) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [m.value for m in store.metrics(run.execution)] == [1.0]


def test_a_bad_metric_is_refused_at_the_call(store):
    with store.run("r") as run:
        with pytest.raises(tm.ValidationError, match="finite"):
            run.log_metric("x", float("inf"))


def test_inputs_and_outputs_by_path(store, write_file):
    src, out = write_file("raw.txt", "raw"), write_file("clean.txt", "clean")
    with store.run("prep", type="Preprocess") as run:
        raw = run.log_input(str(src), name="raw", role="source")
        clean = run.log_output(out, name="clean")
    down = store.lineage(raw)
    assert [n.id for n in down.nodes] == [raw.id, run.execution.id, clean.id]
    assert down.edges[0].role == "source"


def test_bytes_and_fsspec_uris_are_versioned_by_content(store):
    fsspec = pytest.importorskip("fsspec")
    with store.run("mem") as run:
        blob = run.log_input(b"weights-1", name="blob", type="Model")
        fs = fsspec.filesystem("memory")
        fs.pipe("/trailmark-test/data.bin", b"remote bytes")
        remote = run.log_input("memory:///trailmark-test/data.bin", name="remote")
    assert blob.digest == "sha256:" + hashlib.sha256(b"weights-1").hexdigest()
    assert blob.properties == {"bytes": 9}
    assert remote.digest == "sha256:" + hashlib.sha256(b"remote bytes").hexdigest()
    assert remote.uri == "memory:///trailmark-test/data.bin"


def test_missing_path_is_a_clear_error(store, tmp_path):
    with store.run("prep") as run:
        with pytest.raises(tm.ValidationError, match="no such file"):
            run.log_input(str(tmp_path / "nope.csv"))


def test_dataframe_input_is_versioned_by_content(store):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"size": [1500.0, 900.0], "bedrooms": [3, 2]})
    with store.run("a") as run:
        first = run.log_input(frame, name="housing")
        same = run.log_input(frame.copy(), name="housing")
        changed = run.log_input(frame.assign(size=[1500.0, 901.0]), name="housing")
    assert first.id == same.id and changed.version == 2
    assert first.properties["rows"] == 2
    with store.run("b") as run, pytest.raises(tm.ValidationError, match="name= is needed"):
        run.log_input(frame)


def test_log_model_describes_a_sklearn_model(store):
    pytest.importorskip("sklearn")
    from sklearn.linear_model import Ridge

    with store.run("fit", type="Train") as run:
        model = run.log_model(Ridge(alpha=0.5).fit([[0.0], [1.0]], [0.0, 1.0]), name="ridge")
    assert model.type == "Model" and model.version == 1
    assert model.properties["hyperparameters"]["alpha"] == 0.5
    assert store.lineage(model, direction="upstream").executions()[0].id == run.execution.id


def test_runs_in_threads_are_independent(store):
    errors = []

    def work(i: int) -> None:
        try:
            with store.run(f"t{i}") as run:
                for step in range(50):
                    run.log_metric("x", float(step), step=step)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    runs = store.search("", kind="executions")
    assert len(runs) == 4
    assert all(len(store.metrics(r)) == 50 for r in runs)


def test_run_tags_are_written_with_the_runs_next_write(store):
    with store.run("tagged", type="Train") as run:
        run.set_tags({"owner": "ana", "stage": "dev"})
        run.set_tag("stage", "prod")  # a later value for a key wins
        assert store.tags(run.execution) == {}  # not yet written: with the next write, or the end
        run.log_input(b"rows", name="tag-input")
        assert store.tags(run.execution) == {"owner": "ana", "stage": "prod"}
        run.set_tag("late", "1")
    assert store.tags(run.execution) == {"owner": "ana", "stage": "prod", "late": "1"}


def test_a_bad_run_tag_is_refused_at_the_call(store):
    with store.run("tagged", type="Train") as run:
        with pytest.raises(tm.ValidationError):
            run.set_tag("", "empty key")
        with pytest.raises(tm.ValidationError):
            run.set_tags({"nul\x00key": "v"})
    assert store.tags(run.execution) == {}
