"""Similar datasets: ranking on constructed tables, reasons, models trained on them, bad input."""

from __future__ import annotations

import pytest

from trailmark.errors import NotFoundError, ValidationError

pd = pytest.importorskip("pandas")


def _houses(n=300, shift=0.0, extra=False, missing=False):
    data = {
        "size": [800.0 + 2.5 * i + shift for i in range(n)],
        "rooms": [1 + i % 6 for i in range(n)],
        "district": [["north", "south", "east", "west"][i % 4] for i in range(n)],
    }
    if extra:
        data["age"] = [i % 50 for i in range(n)]
    if missing:
        data["size"] = [None if i % 3 == 0 else v for i, v in enumerate(data["size"])]
    return pd.DataFrame(data)


def _log_all(store, frames):
    with store.run("profile") as run:
        return {name: run.log_input(frame, name=name) for name, frame in frames.items()}


def test_same_schema_ranks_first_then_a_column_added_then_unrelated(store):
    logged = _log_all(store, {
        "houses": _houses(),
        "houses-next-year": _houses(shift=120.0),                      # same schema, shifted values
        "houses-with-age": _houses(extra=True),                        # one column more
        "houses-gappy": _houses(missing=True),                         # same schema, a third missing
        "trades": pd.DataFrame({"ticker": ["A", "B", "C"] * 100,       # unrelated, same size
                                "price": [float(i) for i in range(300)], "qty": list(range(300))}),
    })
    ranked = store.similar(logged["houses"], limit=10)
    names = [s.artifact.name for s in ranked]
    assert names[0] == "houses-next-year", names
    assert names.index("houses-with-age") < names.index("trades")
    assert names.index("houses-gappy") < names.index("trades")
    assert names[-1] == "trades" and "houses" not in names
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    assert ranked[0].score > 0.95 and ranked[-1].score < 0.5
    first = ranked[0].reasons
    assert "3 of 3 columns shared: size, rooms, district" in first and "same column types" in first
    with_age = next(s for s in ranked if s.artifact.name == "houses-with-age")
    assert "also has age" in with_age.reasons
    assert "no column in common" in ranked[-1].reasons


def test_limit_and_the_models_trained_on_a_similar_dataset(store):
    logged = _log_all(store, {"base": _houses(), "other": _houses(shift=5.0), "third": _houses(extra=True)})
    with store.run("fit", type="Train") as run:
        run.log_input(logged["other"])
        run.log_metric("rmse", 31.5, step=0)
        run.log_metric("rmse", 27.0, step=1)
        model = store.log_artifact("Model", "price-model", "s3://models/1", digest="sha256:" + "b" * 64)
        store.link(run.execution, outputs=[model])
    (top,) = store.similar("dataset:base@1", limit=1)
    assert top.artifact.name == "other"
    assert [(m.model, m.run, m.metrics) for m in top.models] == [
        ("model:price-model@1", run.execution.ref, {"rmse": 27.0})
    ]


def test_an_artifact_without_a_profile_says_so(store):
    plain = store.log_artifact("Dataset", "pointer", uri="s3://bucket/data.csv", digest="sha256:" + "c" * 64)
    with pytest.raises(ValidationError, match="dataset:pointer@1 has no dataset profile"):
        store.similar(plain)
    with pytest.raises(NotFoundError, match="nowhere"):
        store.similar("dataset:nowhere")


def test_find_reusable_compares_params_and_inputs_exactly(store):
    raw = store.log_artifact("Dataset", "raw", uri="s3://b/raw.csv", digest="sha256:" + "a" * 64)
    extra = store.log_artifact("Dataset", "extra", uri="s3://b/extra.csv", digest="sha256:" + "d" * 64)

    def step(params, inputs, status="COMPLETE", name="scale"):
        e = store.start_execution("Preprocess", name, params=params)
        store.link(e, inputs=inputs)
        return store.end_execution(e, status=status)

    old = step({"method": "standard"}, [raw])
    new = step({"method": "standard"}, [raw])
    step({"method": "standard"}, [raw], status="FAILED")
    step({"method": "standard", "clip": 3}, [raw])           # more params
    step({"method": "standard"}, [raw, extra])                # more inputs
    step({"method": "standard"}, [raw], name="other")
    found = store.find_reusable("Preprocess", name="scale", params={"method": "standard"}, inputs=[raw])
    assert [e.id for e in found] == [new.id, old.id]
    assert len(store.find_reusable("Preprocess", params={"method": "standard"}, inputs=["dataset:raw@1"])) == 3
    assert len(store.find_reusable("Preprocess", name="scale")) == 4   # the FAILED one is left out
    assert store.find_reusable("Preprocess", name="scale", params={"method": "minmax"}) == []
    with pytest.raises(NotFoundError, match="missing"):
        store.find_reusable("Preprocess", inputs=["dataset:missing"])
