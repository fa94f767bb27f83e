"""References wherever a node is: a run reads an existing version by reference; autolog says what it logged."""

from __future__ import annotations

import pytest

import trailmark as tm


def test_log_input_by_reference_links_that_version(store, write_file):
    first = store.log_artifact("Dataset", "housing-raw", write_file("a.csv", "x\n1\n").as_uri())
    store.log_artifact("Dataset", "housing-raw", write_file("a.csv", "x\n2\n").as_uri())
    with store.run("train") as run:
        got = run.log_input("dataset:housing-raw@1", role="train")
        latest = run.log_input("dataset:housing-raw")
    assert got.id == first.id and latest.version == 2
    assert len(store.versions("Dataset", "housing-raw")) == 2, "no new version is made"
    inputs = store.lineage(run.execution.ref, direction="upstream", depth=1).artifacts()
    assert {a.version for a in inputs} == {1, 2}
    assert [a.id for a in run.logged] == [first.id, latest.id]


def test_a_reference_that_names_nothing_says_what_was_looked_for(store):
    with pytest.raises(tm.NotFoundError, match="housing-raw"):
        with store.run("train") as run:
            run.log_input("dataset:housing-raw@7")
    with pytest.raises(tm.ValidationError, match="is an execution"):
        with store.run("train") as run:
            run.log_input(run.execution.ref)


def test_autolog_makes_the_model_reachable(store):
    sklearn = pytest.importorskip("sklearn.linear_model", reason="scikit-learn is not installed")
    logged = tm.autolog(dataset_name="refs-train")
    try:
        with store.run("fit") as run:
            sklearn.LinearRegression().fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
        assert run.model is not None and run.model.type == "Model"
        assert logged.model == run.model and logged.runs == [run]
        assert store.get(run.model.ref).id == run.model.id
    finally:
        tm.autolog(disable=True)
