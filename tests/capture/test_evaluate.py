"""Standard metrics as plain floats."""

from __future__ import annotations

import math

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("sklearn")

from trailmark.capture import classification_metrics, regression_metrics  # noqa: E402


def test_regression_metrics() -> None:
    metrics = regression_metrics([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 6.0])
    assert metrics == {"rmse": pytest.approx(1.0), "mae": pytest.approx(0.5), "r2": pytest.approx(1 - 4 / 5)}
    assert all(type(v) is float for v in metrics.values())


def test_binary_classification_with_scores() -> None:
    y_true = [0, 0, 1, 1, 1]
    y_pred = [0, 1, 1, 1, 0]
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]])
    metrics = classification_metrics(y_true, y_pred, y_score=proba)
    assert metrics["accuracy"] == pytest.approx(0.6)
    assert metrics["precision"] == pytest.approx(2 / 3) and metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["f1"] == pytest.approx(2 / 3)
    assert metrics["roc_auc"] == pytest.approx(5 / 6)
    assert classification_metrics(y_true, y_pred, y_score=proba[:, 1])["roc_auc"] == metrics["roc_auc"]


def test_string_labels_and_multiclass() -> None:
    binary = classification_metrics(["no", "yes", "yes"], ["no", "yes", "no"])
    assert binary["recall"] == pytest.approx(0.5)  # "yes", the larger label, is positive
    multi = classification_metrics([0, 1, 2, 2], [0, 2, 2, 2], y_score=[0.1, 0.2, 0.3, 0.4])
    assert "roc_auc" not in multi and multi["accuracy"] == pytest.approx(0.75)


def test_undefined_scores_are_zero_without_warnings() -> None:
    metrics = classification_metrics([0, 0, 0], [0, 0, 0])
    assert metrics["precision"] == 0.0 and not math.isnan(metrics["f1"])
