"""scikit-learn (and sklearn-API) estimators: hyperparameters and fitted preprocessing.

Pipelines and ColumnTransformers are described step by step with column names carried
through, so an imputer reads ``{"statistics": {"bedrooms": 3.0}}`` and a scaler
``{"mean": {"size": 1500.0}, "scale": {"size": 500.0}}``. Fitted attributes (public,
ending in ``_``) are recorded without the underscore; a 1-d one with one value per input
column becomes a mapping from column name to value.
"""

from __future__ import annotations

from typing import Any

from trailmark.capture._jsonsafe import json_safe
from trailmark.capture._lazy import class_path

# Fitted attributes that are not preprocessing parameters: sub-models, or repeated elsewhere.
_SKIPPED = frozenset({"feature_names_in_", "estimators_", "estimator_", "estimators_samples_", "base_estimator_",
                      "transformers_", "named_transformers_", "steps_", "best_estimator_", "calibrated_classifiers_",
                      "tree_", "fitted_", "loss_curve_", "validation_scores_", "cv_results_"})
# Properties computed from the fit, worth recording when the model has them.
_DERIVED = ("feature_importances_", "coef_", "intercept_", "classes_")
# Fitted attributes holding one entry per input column, recorded by column name.
_PER_COLUMN = frozenset({"statistics_", "mean_", "var_", "scale_", "center_", "data_min_", "data_max_",
                         "data_range_", "min_", "max_abs_", "categories_", "feature_importances_", "coef_",
                         "scores_", "pvalues_", "variances_", "lambdas_", "bin_edges_", "n_bins_"})


def is_estimator(obj: object) -> bool:
    """Whether ``obj`` follows the scikit-learn estimator API."""
    if isinstance(obj, type):
        return False
    return callable(getattr(obj, "get_params", None)) and callable(getattr(obj, "fit", None))


def describe_estimator(estimator: Any) -> dict[str, Any]:
    """Class, hyperparameters and fitted state of an estimator (a pipeline step by step)."""
    columns = _names(getattr(estimator, "feature_names_in_", None))
    out: dict[str, Any] = {
        "class": class_path(type(estimator)),
        "hyperparameters": hyperparameters(estimator),
        "is_fitted": is_fitted(estimator),
    }
    if columns is not None:
        out["columns_in"] = columns
    elif hasattr(estimator, "n_features_in_"):
        out["n_features_in"] = int(estimator.n_features_in_)
    if _is_composite(estimator):
        out.update(_step("model", estimator, columns))
        out.pop("name"), out.pop("params")
    elif out["is_fitted"]:
        out["fitted"] = fitted_state(estimator, columns)
    return out


def hyperparameters(estimator: Any) -> dict[str, Any]:
    """``get_params(deep=False)``, JSON-safe; nested estimators as {class, hyperparameters}."""
    return {name: _param(value) for name, value in estimator.get_params(deep=False).items()}


def is_fitted(estimator: Any) -> bool:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except TypeError:  # not a scikit-learn estimator after all
        return any(k.endswith("_") and not k.startswith("_") for k in vars(estimator))
    return True


def fitted_state(estimator: Any, columns: list[str] | None) -> dict[str, Any]:
    """Public fitted attributes, per column where they have one value per input column."""
    state: dict[str, Any] = {}
    names = [k for k in vars(estimator) if k.endswith("_") and not k.startswith("_") and k not in _SKIPPED]
    for name in names + [n for n in _DERIVED if n not in names]:
        try:
            value = getattr(estimator, name)
        except (AttributeError, ValueError, TypeError):
            continue
        if is_estimator(value) or (isinstance(value, list) and any(is_estimator(v) for v in value)):
            continue
        state[name.rstrip("_")] = _per_column(value, columns) if name in _PER_COLUMN else json_safe(value)
    support = getattr(estimator, "get_support", None)
    if callable(support):
        mask = [bool(flag) for flag in support()]
        state["selected_features"] = [c for c, keep in zip(columns or range(len(mask)), mask, strict=False) if keep]
    return state


def _step(name: str, step: Any, columns: list[str] | None) -> dict[str, Any]:
    """One step, recursing into pipelines and column transformers."""
    if step is None or isinstance(step, str):  # "passthrough" or "drop"
        kept = [] if step == "drop" else columns
        return {"name": name, "class": step or "passthrough", "columns_in": columns, "columns_out": kept}
    columns = _names(getattr(step, "feature_names_in_", None)) or columns
    params = {k: v for k, v in hyperparameters(step).items() if k not in ("steps", "transformers")}
    entry: dict[str, Any] = {"name": name, "class": class_path(type(step)), "params": params, "columns_in": columns}
    if hasattr(step, "steps"):
        entry["steps"] = []
        for child_name, child in step.steps:
            child_entry = _step(child_name, child, columns)
            entry["steps"].append(child_entry)
            columns = child_entry.get("columns_out")
    elif hasattr(step, "transformers_"):
        entry["transformers"] = [_transformer(n, t, cols, columns) for n, t, cols in step.transformers_]
    elif is_fitted(step):
        entry["fitted"] = fitted_state(step, columns)
    entry["columns_out"] = _output_names(step, entry["columns_in"]) or (columns if hasattr(step, "steps") else None)
    return entry


def _transformer(name: str, transformer: Any, selection: Any, columns: list[str] | None) -> dict[str, Any]:
    """A ColumnTransformer's part: which input columns it took, then the step itself."""
    return _step(name, transformer, _selected(selection, columns))


def _selected(selection: Any, columns: list[str] | None) -> list[str] | None:
    """Column names a ColumnTransformer selection (names, indices or a mask) refers to."""
    if isinstance(selection, slice):
        return columns[selection] if columns is not None else None
    values = list(selection) if not isinstance(selection, (str, int)) else [selection]
    if columns is None or all(isinstance(v, str) for v in values):
        return [str(v) for v in values]
    if values and all(type(v).__name__ in ("bool", "bool_") for v in values):
        return [c for c, keep in zip(columns, values, strict=False) if keep]
    return [columns[int(v)] for v in values]


def _output_names(step: Any, columns: list[str] | None) -> list[str] | None:
    from sklearn.exceptions import NotFittedError

    get_names = getattr(step, "get_feature_names_out", None)
    if not callable(get_names):
        return None
    try:
        return _names(get_names(columns) if columns is not None else get_names())
    except (AttributeError, NotFittedError, ValueError, TypeError):
        return None


def _per_column(value: Any, columns: list[str] | None) -> Any:
    if columns is not None and not isinstance(value, (str, dict)) and _length(value) == len(columns) > 0:
        return {column: json_safe(item) for column, item in zip(columns, value, strict=True)}
    if getattr(value, "ndim", 0) == 2 and value.shape[0] == 1 and columns and value.shape[1] == len(columns):
        return _per_column(value[0], columns)
    return json_safe(value)


def _length(value: Any) -> int | None:
    if getattr(value, "ndim", 1) != 1:
        return None
    try:
        return len(value)
    except TypeError:
        return None


def _param(value: Any) -> Any:
    if is_estimator(value):
        return {"class": class_path(type(value)), "hyperparameters": hyperparameters(value)}
    if isinstance(value, (list, tuple)):
        return [_param(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _param(v) for k, v in value.items()}
    return json_safe(value)


def _is_composite(estimator: Any) -> bool:
    return hasattr(estimator, "steps") or hasattr(estimator, "transformers_") or hasattr(estimator, "transformers")


def _names(values: Any) -> list[str] | None:
    return None if values is None else [str(v) for v in values]
