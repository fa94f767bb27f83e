"""recipe() on every backend: code, environment, inputs, params and seeds of the producing run."""

from __future__ import annotations

import pytest

from trailmark.errors import ValidationError
from trailmark.reproduce import find_seeds, recipe


def test_recipe_of_a_model(store, write_file):
    path = write_file("raw.csv", "a,b\n1,2\n")
    params = {"split": {"seed": 7, "ratio": 0.2}, "model.random_state": 0, "max_depth": 4}
    with store.run("train", type="Train", params=params) as run:
        raw = run.log_input(path, name="raw", role="train")
        model = store.log_artifact("Model", "rf", digest="sha256:" + "5" * 64)
        run.log_output(model, type="Model")

    found = recipe(store, "model:rf")
    assert found["target"] == model.ref and found["execution"] == run.execution.ref
    assert found["inputs"] == [{"ref": raw.ref, "type": "Dataset", "digest": raw.digest, "uri": raw.uri,
                                "role": "train"}]
    assert found["params"] == params
    assert found["seeds"] == {"split.seed": 7, "model.random_state": 0}
    assert found["python"] and found["platform"]
    assert "pytest" in found["packages"]
    assert recipe(store, run.execution.ref)["inputs"] == found["inputs"]


def test_recipe_of_an_artifact_without_a_run(store):
    store.log_artifact("Model", "handmade", digest="sha256:" + "6" * 64)
    with pytest.raises(ValidationError, match="model:handmade@1 has no producing run"):
        recipe(store, "model:handmade")


def test_find_seeds_nested_and_case_blind():
    assert find_seeds({"Seed": 1, "cv": {"inner": {"random_state": 2}}, "lr": 0.1}) == {"Seed": 1,
                                                                                       "cv.inner.random_state": 2}
