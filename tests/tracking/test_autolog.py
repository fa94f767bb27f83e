"""tm.autolog: a scikit-learn fit logs data, params, training metrics and the model, once, and never breaks."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

import trailmark as tm

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
sklearn = pytest.importorskip("sklearn")

from sklearn.base import BaseEstimator, RegressorMixin  # noqa: E402
from sklearn.ensemble import RandomForestRegressor  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LinearRegression, LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from tests.capture.samples import houses  # noqa: E402
from trailmark.tracking import _autolog  # noqa: E402


@pytest.fixture
def autolog():
    tm.autolog()
    yield tm.autolog
    tm.autolog(disable=True)


def numeric_houses():
    X, y = houses(100)
    return X[["bedrooms", "size"]], y


def executions(store, filter="type = 'Train'"):
    return list(store.search(filter, kind="executions"))


def test_fit_inside_a_run_logs_data_params_metrics_and_model(store, autolog):
    X, y = numeric_houses()
    X = X.fillna(3.0)
    with tm.run("train", type="Train") as run:
        model = LinearRegression().fit(X, y)
    assert isinstance(model, LinearRegression)
    execution = store.get(run.execution.ref)
    assert execution.params["fit_intercept"] is True and execution.params["positive"] is False
    metrics = store.latest_metrics(execution)
    assert metrics["training_score"] == pytest.approx(model.score(X, y))
    assert metrics["training_r2"] == pytest.approx(model.score(X, y))
    assert {"training_rmse", "training_mae"} <= set(metrics)
    upstream = store.lineage(execution.ref, direction="upstream", depth=1)
    assert {a.ref for a in upstream.artifacts()} == {"dataset:LinearRegression.X@1", "dataset:LinearRegression.y@1"}
    roles = {e.role for e in upstream.edges}
    assert roles == {"train", "target"}
    downstream = store.lineage(execution.ref, direction="downstream", depth=1)
    [logged] = downstream.artifacts()
    assert logged.ref == "model:LinearRegression@1"
    assert logged.properties["fitted"]["coef"].keys() == {"bedrooms", "size"}
    assert executions(store) == [execution], "no extra run is started inside a run"


def test_fit_outside_a_run_starts_one(store, autolog):
    X, y = numeric_houses()
    labels = (y > y.median()).astype(int)
    LogisticRegression().fit(X.fillna(3.0), labels)
    [execution] = executions(store)
    assert execution.name == "fit-LogisticRegression" and execution.status == "COMPLETE"
    assert {"training_accuracy", "training_f1", "training_score"} <= set(store.latest_metrics(execution))
    assert store.get("model:LogisticRegression").version == 1


def test_pipeline_logs_once_with_its_fitted_preprocessing(store, autolog):
    X, y = numeric_houses()
    autolog(dataset_name="housing-train", model_name="house-price-rf")
    pipeline = Pipeline([
        ("impute", SimpleImputer(strategy="median")),
        ("scale", StandardScaler()),
        ("model", RandomForestRegressor(n_estimators=5, max_depth=3, random_state=0)),
    ])
    with tm.run("train", type="Train") as run:
        pipeline.fit(X, y)
    [execution] = executions(store)
    assert execution.params["steps.model"] == "sklearn.ensemble.RandomForestRegressor"
    assert execution.params["steps.model.n_estimators"] == 5 and execution.params["steps.impute.strategy"] == "median"
    assert [a.ref for a in store.lineage(run.execution.ref, direction="downstream", depth=1).artifacts()] == [
        "model:house-price-rf@1"
    ]
    steps = store.get("model:house-price-rf@1").properties["steps"]
    assert steps[0]["fitted"]["statistics"] == {"bedrooms": 3.0, "size": 1500.0}
    assert steps[1]["fitted"]["mean"]["size"] == pytest.approx(1500.0)
    assert store.get("dataset:housing-train").version == 1 and store.get("dataset:housing-train.y").version == 1
    assert list(store.search("type = 'Model'", kind="artifacts")) == [store.get("model:house-price-rf@1")]


def test_grid_search_logs_once(store, autolog):
    X, y = numeric_houses()
    search = GridSearchCV(RandomForestRegressor(n_estimators=3, random_state=0), {"max_depth": [2, 3]}, cv=2)
    search.fit(X.fillna(3.0), y)
    [execution] = executions(store)
    assert execution.name == "fit-GridSearchCV"
    assert execution.params["estimator"] == "sklearn.ensemble.RandomForestRegressor"
    assert execution.params["param_grid.max_depth"] == [2, 3]
    assert execution.params["best_params.max_depth"] == search.best_params_["max_depth"]
    assert store.latest_metrics(execution)["best_cv_score"] == pytest.approx(search.best_score_)
    assert [m.name for m in store.search("type = 'Model'", kind="artifacts")] == ["GridSearchCV"]


def test_disable_restores_fit(store):
    originals = {cls: cls.__dict__["fit"] for cls in (LinearRegression, Pipeline, StandardScaler)}
    tm.autolog()
    assert all(cls.__dict__["fit"] is not fit for cls, fit in originals.items())
    tm.autolog()  # a second call patches nothing twice
    tm.autolog(disable=True)
    assert all(cls.__dict__["fit"] is fit for cls, fit in originals.items())
    assert "__init_subclass__" not in BaseEstimator.__dict__
    LinearRegression().fit([[0.0], [1.0]], [0.0, 1.0])
    assert executions(store, "type != 'none'") == []


def test_estimators_defined_after_autolog_are_patched(store, autolog):
    class Mean(RegressorMixin, BaseEstimator):
        def fit(self, X, y):
            self.mean_ = float(np.mean(y))
            return self

        def predict(self, X):
            return np.full(len(X), self.mean_)

    assert _autolog.is_patched(Mean)
    with tm.run("train", type="Train") as run:
        Mean().fit(np.array([[1.0], [2.0]]), [1.0, 3.0])
    assert store.latest_metrics(run.execution)["training_rmse"] == pytest.approx(1.0)


def test_failed_fit_outside_a_run_fails_the_run_and_raises(store, autolog):
    with pytest.raises(ValueError):
        LinearRegression().fit([[1.0], [2.0]], [1.0])  # inconsistent lengths
    [execution] = executions(store)
    assert execution.status == "FAILED" and execution.error.startswith("ValueError")


def test_a_fit_still_works_when_logging_fails(store, autolog, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("describe exploded")

    monkeypatch.setattr("trailmark.capture.describe_model", broken)
    monkeypatch.setattr("trailmark.tracking._run.log_data", broken)
    X, y = numeric_houses()
    with caplog.at_level(logging.WARNING, logger="trailmark.tracking._autolog"):
        with tm.run("train", type="Train") as run:
            model = LinearRegression().fit(X.fillna(3.0), y)
    assert hasattr(model, "coef_")
    assert store.get(run.execution.ref).status == "COMPLETE"
    assert store.get(run.execution.ref).params["fit_intercept"] is True, "what could be logged was"
    assert "could not log the model" in caplog.text and "could not log the training data" in caplog.text


def test_a_fit_still_works_when_no_run_can_start(store, autolog, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise tm.StoreVersionError("store refused")

    monkeypatch.setattr(type(store), "start_execution", refuse)
    with caplog.at_level(logging.WARNING, logger="trailmark.tracking._autolog"):
        model = LinearRegression().fit([[0.0], [1.0]], [0.0, 2.0])
    assert model.coef_[0] == pytest.approx(2.0)
    assert "could not start a run for LinearRegression.fit" in caplog.text


def test_flat_params_of_a_column_transformer():
    from sklearn.compose import ColumnTransformer

    transformer = ColumnTransformer([("scale", StandardScaler(), ["size"])], remainder="drop")
    params = _autolog.flat_params(transformer)
    assert params["transformers.scale"] == "sklearn.preprocessing.StandardScaler"
    assert params["transformers.scale.columns"] == ["size"] and params["remainder"] == "drop"


def test_importing_trailmark_does_not_import_sklearn():
    code = "import sys, trailmark; sys.exit('sklearn' in sys.modules or 'pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
