"""Standard evaluation metrics, as plain floats ready to log."""

from __future__ import annotations

import math
from typing import Any

from trailmark.capture._lazy import require


def regression_metrics(y_true: Any, y_pred: Any) -> dict[str, float]:
    """rmse, mae and r2 of predictions against the truth."""
    metrics = require("sklearn.metrics")
    return {
        "rmse": math.sqrt(float(metrics.mean_squared_error(y_true, y_pred))),
        "mae": float(metrics.mean_absolute_error(y_true, y_pred)),
        "r2": float(metrics.r2_score(y_true, y_pred)),
    }


def classification_metrics(y_true: Any, y_pred: Any, y_score: Any = None) -> dict[str, float]:
    """accuracy, f1, precision and recall; roc_auc too for a binary task given scores.

    Binary tasks score the positive class (1 for 0/1 labels, else the larger label);
    tasks with more classes average over classes weighted by support. ``y_score`` is the
    positive class's score, or ``predict_proba`` output (its last column is used).
    """
    np = require("numpy")
    metrics = require("sklearn.metrics")
    labels = np.unique(np.concatenate([np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()]))
    binary = len(labels) <= 2
    positive = 1 if set(labels.tolist()) <= {0, 1} else labels[-1]
    average = {"average": "binary", "pos_label": positive} if binary else {"average": "weighted"}
    out = {
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "f1": float(metrics.f1_score(y_true, y_pred, zero_division=0, **average)),
        "precision": float(metrics.precision_score(y_true, y_pred, zero_division=0, **average)),
        "recall": float(metrics.recall_score(y_true, y_pred, zero_division=0, **average)),
    }
    if y_score is not None and binary and len(np.unique(np.asarray(y_true))) == 2:
        scores = np.asarray(y_score)
        scores = scores[:, -1] if scores.ndim == 2 else scores
        out["roc_auc"] = float(metrics.roc_auc_score(y_true, scores))
    return out
