"""@tm.step: a call becomes an execution with its data arguments as inputs and results as outputs."""

from __future__ import annotations

import pytest

import trailmark as tm
from trailmark.store import open_store


def test_step_records_inputs_outputs_and_params(store, write_file):
    path = write_file("in.txt", "data")

    @tm.step(type="Preprocess")
    def clean(source, threshold=0.5):
        out = path.with_name("out.txt")
        out.write_text("cleaned " + source.read_text())
        return out

    result = clean(path, threshold=0.7)
    assert result.read_text() == "cleaned data"
    (execution,) = store.search("type = 'Preprocess'", kind="executions")
    assert execution.name == "clean" and execution.status == "COMPLETE"
    assert execution.params == {"threshold": 0.7}
    graph = store.lineage(execution, direction="both")
    assert {a.name for a in graph.artifacts()} == {"clean.source", "clean.output"}


def test_step_failure_is_recorded_and_propagates(store):
    @tm.step(type="Train", name="explode")
    def explode():
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError, match="out of memory"):
        explode()
    (execution,) = store.search("name = 'explode'", kind="executions")
    assert execution.status == "FAILED" and "out of memory" in execution.error


def test_step_with_explicit_store_and_tuple_outputs(store, tmp_path):
    np = pytest.importorskip("numpy")

    with open_store(f"sqlite:///{tmp_path / 'other.db'}") as other:  # not made the active store

        @tm.step(store=other)
        def split(values):
            return values[:2], values[2:], "not data"

        first, second, label = split(np.arange(5))
        assert label == "not data" and list(second) == [2, 3, 4]
        names = {a.name for a in other.search("", kind="artifacts")}
    assert names == {"split.values", "split.output0", "split.output1"}
    assert list(store.search("", kind="artifacts")) == []
