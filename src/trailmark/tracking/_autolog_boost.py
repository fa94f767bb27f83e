"""Autolog of XGBoost's and LightGBM's native training (``xgb.train``, ``lgb.train``), which their
scikit-learn wrappers (``XGBRegressor.fit``, ``LGBMClassifier.fit``...) call too.

A native call logs its params, the eval metrics of every iteration (``DATA-METRIC``, one step
per boosting round, e.g. ``valid-rmse``), the feature importance (gain) and the Booster as a
Model. Under a wrapper's ``fit``, which scikit-learn autolog logs (data, params, model), only
the per-iteration metrics and the feature importance are added.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable, Mapping
from typing import Any

from trailmark.tracking._autolog_common import finite, in_run, json_params, patch, safely, training

_logger = logging.getLogger(__name__)

_TOP_FEATURES = 100


def patch_installed(settings: Callable[[], Any]) -> list[str]:
    """Patch XGBoost and LightGBM where installed; ``settings()`` gives autolog's current settings or None."""
    done = []
    for name, patcher in (("xgboost", _patch_xgboost), ("lightgbm", _patch_lightgbm)):
        if importlib.util.find_spec(name) is None:
            continue
        try:
            patcher(importlib.import_module(name), settings)
        except ImportError as exc:
            _logger.debug("autolog: %s cannot be imported, not patched: %s", name, exc)
            continue
        done.append(name)
    return done


def _patch_xgboost(xgb: Any, settings: Callable[[], Any]) -> None:
    import xgboost.sklearn
    import xgboost.training

    def make(original: Any) -> Any:
        def train(params: Mapping[str, Any], dtrain: Any, *args: Any, **kwargs: Any) -> Any:
            results = kwargs.get("evals_result")
            if results is None:
                results = kwargs["evals_result"] = {}
            return _logged(settings(), "xgboost", params, results, _xgb_importance,
                           lambda: original(params, dtrain, *args, **kwargs))

        return train

    for owner in (xgb, xgboost.training, xgboost.sklearn):
        patch(owner, "train", make)


def _patch_lightgbm(lgb: Any, settings: Callable[[], Any]) -> None:
    import lightgbm.engine
    import lightgbm.sklearn

    def make(original: Any) -> Any:
        def train(params: Mapping[str, Any], train_set: Any, *args: Any, **kwargs: Any) -> Any:
            results: dict[str, Any] = {}
            kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), lgb.record_evaluation(results)]
            return _logged(settings(), "lightgbm", params, results, _lgb_importance,
                           lambda: original(params, train_set, *args, **kwargs))

        return train

    for owner in (lgb, lightgbm.engine, lightgbm.sklearn):
        patch(owner, "train", make)


def _logged(
    settings: Any, framework: str, params: Mapping[str, Any], results: dict[str, Any],
    importance: Callable[[Any], dict[str, float]], call: Callable[[], Any],
) -> Any:
    from trailmark.tracking._autolog import _nested

    if settings is None or training.get():
        return call()
    wrapped = _nested.get()  # inside a scikit-learn wrapper's fit, which logs params and model itself

    def body(run: Any) -> Any:
        if not wrapped:
            safely("log the params", lambda: run.log_params(json_params(params)))
        booster = call()
        safely("log the eval metrics", lambda: _log_evals(run, results))
        weights: dict[str, float] = {}
        safely("read the feature importance", lambda: weights.update(importance(booster)))
        if weights:
            safely("log the feature importance", lambda: run.log_params({"feature_importance": weights}))
        if not wrapped and settings.log_models:
            properties = {"framework": framework, "feature_importance": weights,
                          "best_iteration": getattr(booster, "best_iteration", None)}
            safely("log the model", lambda: run.log_model(booster, name=settings.model_name or f"{framework}-model",
                                                          properties=properties))
        return booster

    return in_run(f"train-{framework}", settings.logged, body, call)


def _log_evals(run: Any, results: Mapping[str, Mapping[str, list[Any]]]) -> None:
    """``{data: {metric: [value per round]}}`` as series ``data-metric``, step = round."""
    for data, metrics in results.items():
        for metric, values in metrics.items():
            for step, value in enumerate(values):
                number = finite({"v": value})
                if number:
                    run.log_metric(f"{data}-{metric}", number["v"], step=step)


def _top(weights: Mapping[str, float]) -> dict[str, float]:
    ranked = sorted(finite(weights).items(), key=lambda kv: -kv[1])[:_TOP_FEATURES]
    return dict(ranked)


def _xgb_importance(booster: Any) -> dict[str, float]:
    return _top(booster.get_score(importance_type="gain"))


def _lgb_importance(booster: Any) -> dict[str, float]:
    gains = booster.feature_importance(importance_type="gain")
    return _top(dict(zip(booster.feature_name(), (float(g) for g in gains), strict=True)))
