"""model_card on every backend: a real fitted pipeline, its training data, evaluation and deployment."""

from __future__ import annotations

import pytest

from trailmark.errors import ValidationError
from trailmark.registry import model_card

pytest.importorskip("sklearn", reason="scikit-learn is not installed: pip install 'trailmark[sklearn]'")


def _pipeline():
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                     ("model", RandomForestRegressor(n_estimators=5, max_depth=3, random_state=0))])


@pytest.fixture
def frame():
    import pandas as pd

    return pd.DataFrame({"size": [1000.0, 2000.0, 3000.0, 1500.0], "bedrooms": [2.0, None, 4.0, 3.0],
                         "price": [1.0, 2.0, 3.0, 1.5]})


def test_model_card(store, frame):
    fitted = _pipeline().fit(frame[["size", "bedrooms"]], frame["price"])
    with store.run("train", type="Train", params={"random_state": 0}) as run:
        data = run.log_input(frame, name="houses", role="train")
        run.log_metric("rmse", 2.0, step=0)
        model = run.log_model(fitted, name="rf")
    with store.run("evaluate", type="Evaluate") as run:
        run.log_input(model, type="Model")
        run.log_metrics({"rmse": 1.0, "r2": 0.5}, step=0)
    deployment = store.models.deploy(model.ref, endpoint="https://models.example/rf", health="healthy")

    card = model_card(store, "model:rf")
    assert card["model"]["ref"] == model.ref and card["model"]["class"] == "sklearn.pipeline.Pipeline"
    assert card["dataset_version"]["ref"] == data.ref and card["dataset_version"]["digest"] == data.digest
    assert card["preprocessing_details"]["imputation"] == {
        "bedrooms": {"strategy": "median", "value": 3.0}, "size": {"strategy": "median", "value": 1750.0}}
    assert card["preprocessing_details"]["scaling"]["size"]["mean"] == pytest.approx(1875.0)
    assert card["preprocessing_details"]["scaling"]["size"]["std"] == pytest.approx(fitted[1].scale_[0])
    assert card["hyperparameters"]["n_estimators"] == 5 and card["hyperparameters"]["max_depth"] == 3
    assert card["evaluation_metrics"] == {"rmse": 1.0, "r2": 0.5}  # the Evaluate run's rmse comes last
    assert len(card["metrics_by_run"]) == 2
    assert card["endpoint_url"] == "https://models.example/rf"
    assert card["deployed_on"] == deployment.properties["deployed_at"]


def test_model_card_of_a_bare_model(store):
    store.log_artifact("Model", "handmade", digest="sha256:" + "3" * 64, properties={"hyperparameters": {"k": 3}})
    card = model_card(store, "model:handmade")
    assert card["trained_by"] is None and card["dataset_version"] is None
    assert card["hyperparameters"] == {"k": 3} and card["evaluation_metrics"] == {}
    assert card["endpoint_url"] is None and card["preprocessing_details"] == {}


def test_model_card_refuses_other_artifacts(store):
    store.log_artifact("Dataset", "raw", digest="sha256:" + "4" * 64)
    with pytest.raises(ValidationError, match="dataset:raw@1 is not a model"):
        model_card(store, "dataset:raw")
