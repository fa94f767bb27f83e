"""tm.evaluate: standard metrics, equal to scikit-learn's, logged on the run in progress."""

from __future__ import annotations

import math

import pytest

import trailmark as tm

np = pytest.importorskip("numpy")
metrics = pytest.importorskip("sklearn.metrics")


def test_regression_metrics_are_logged_with_a_prefix(store):
    y_true, y_pred = [3.0, 5.0, 2.5, 7.0], [2.5, 5.0, 3.0, 8.0]
    with tm.run("eval", type="Evaluate") as run:
        values = tm.evaluate(y_true, y_pred, prefix="test_")
    assert values == {
        "test_rmse": pytest.approx(math.sqrt(metrics.mean_squared_error(y_true, y_pred))),
        "test_mae": pytest.approx(metrics.mean_absolute_error(y_true, y_pred)),
        "test_r2": pytest.approx(metrics.r2_score(y_true, y_pred)),
    }
    assert store.latest_metrics(run.execution) == pytest.approx(values)


def test_classification_metrics_with_scores(store):
    y_true = np.array([0, 1, 1, 0, 1, 0])
    y_pred = np.array([0, 1, 0, 0, 1, 1])
    y_score = np.array([0.2, 0.9, 0.4, 0.1, 0.8, 0.6])
    with tm.run("eval") as run:
        values = tm.evaluate(y_true, y_pred, task="classification", y_score=y_score)
    assert values == {
        "accuracy": pytest.approx(metrics.accuracy_score(y_true, y_pred)),
        "f1": pytest.approx(metrics.f1_score(y_true, y_pred)),
        "precision": pytest.approx(metrics.precision_score(y_true, y_pred)),
        "recall": pytest.approx(metrics.recall_score(y_true, y_pred)),
        "roc_auc": pytest.approx(metrics.roc_auc_score(y_true, y_score)),
    }
    assert set(store.latest_metrics(run.execution)) == set(values)


def test_evaluate_needs_a_run(store):
    with pytest.raises(tm.ValidationError, match="needs a run in progress"):
        tm.evaluate([1.0], [1.0])


def test_evaluate_refuses_an_unknown_task(store):
    with tm.run("eval"):
        with pytest.raises(tm.ValidationError, match="task must be 'regression' or 'classification'"):
            tm.evaluate([1.0], [1.0], task="ranking")


def test_evaluate_on_an_explicit_run_and_step(store):
    with store.run("outer") as run:
        tm.evaluate([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], run=run, step=3)
    assert [(m.step, m.key) for m in store.metrics(run.execution, key="mae")] == [(3, "mae")]
