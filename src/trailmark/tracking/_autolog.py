"""``tm.autolog()``: every scikit-learn ``fit`` logs its data, hyperparameters, training metrics and model;
XGBoost and LightGBM training (``_autolog_boost``), Lightning's ``Trainer.fit`` and Keras' ``Model.fit``
(``_autolog_deep``) are logged too, where installed.

The ``fit`` defined by each scikit-learn estimator class (every ``BaseEstimator``
subclass imported so far, and, through a ``BaseEstimator.__init_subclass__`` hook, every
one defined later) is replaced by a wrapper. Only the outermost fit is logged: a
Pipeline fitting its steps, or a search fitting clones, runs them under a context
variable that marks them nested. Logging never breaks a fit: a failure is logged as a
warning and the fit goes on.
"""

from __future__ import annotations

import functools
import inspect
import logging
import math
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from trailmark.tracking import _autolog_boost, _autolog_common, _autolog_deep
from trailmark.tracking._active import active_store, current_run
from trailmark.tracking._data import is_data

_logger = logging.getLogger(__name__)

_nested: ContextVar[bool] = ContextVar("trailmark_autolog_nested", default=False)
_ORIGINAL = "__trailmark_original_fit__"
_MAX_KEY = 250


@dataclass
class _Settings:
    dataset_name: str | None = None
    model_name: str | None = None
    log_datasets: bool = True
    log_models: bool = True
    training_metrics: bool = True
    logged: Autologged = field(default_factory=lambda: Autologged())


@dataclass
class Autologged:
    """What autolog logged since the ``tm.autolog()`` call that returned this: the runs its fits
    logged into (a fit outside a run gets a Train run of its own), and their models."""

    runs: list[Any] = field(default_factory=list)

    @property
    def models(self) -> list[Any]:
        """The Model artifacts logged, oldest first."""
        return [a for run in self.runs for a in run.logged if a.type == "Model"]

    @property
    def model(self) -> Any:
        """The last Model logged, or None."""
        return self.models[-1] if self.models else None


_settings: _Settings | None = None  # None: autolog is off
_patched: dict[type, Any] = {}  # class -> its own original fit
_hook: dict[str, Any] = {}  # "previous": BaseEstimator's own __init_subclass__, if it had one
_lock = threading.RLock()
_outer_fits = 0  # outermost fits in progress, in any thread


def autolog(
    *,
    disable: bool = False,
    dataset_name: str | None = None,
    model_name: str | None = None,
    log_datasets: bool = True,
    log_models: bool = True,
    training_metrics: bool = True,
) -> Autologged | None:
    """Log every scikit-learn ``fit(X, y)``, ``xgb.train``, ``lgb.train``, Lightning ``Trainer.fit`` and
    Keras ``Model.fit`` (those installed, imported now): inside a run on that run, otherwise in a new Train run.

    Logs X as a Dataset input (``dataset_name``, default ``CLASS.X``, role ``train``) and
    y (``NAME.y``, role ``target``), the hyperparameters as params, training metrics
    (``training_score`` from ``score``, and rmse/mae/r2 or accuracy/f1/precision/recall
    with a ``training_`` prefix) and the fitted model as a Model output (``model_name``,
    default the class name). Calling it again changes the settings;
    ``autolog(disable=True)`` puts every original ``fit`` back.

    Returns what it logs from now on (:class:`Autologged`: ``.runs``, ``.models``,
    ``.model``), or None when disabled or no framework it logs is installed; inside a run,
    ``run.model`` and ``run.logged`` show the same.

    Example:
        >>> logged = tm.autolog(dataset_name="housing-train")
        >>> with tm.run("train", type="Train") as run:
        ...     pipeline.fit(X, y)
        >>> run.model == logged.model   # the Model artifact of the fitted pipeline
    """
    global _settings
    with _lock:
        if disable:
            _settings = None
            _unpatch_all()
            return None
        _settings = _Settings(dataset_name, model_name, log_datasets, log_models, training_metrics)
        others = _autolog_boost.patch_installed(_current) + _autolog_deep.patch_installed(_current)
        try:
            from sklearn.base import BaseEstimator
        except ImportError:
            if others:
                return _settings.logged
            _settings = None
            _logger.warning("autolog: scikit-learn is not installed, nor any other framework it logs")
            return None
        for cls in _subclasses(BaseEstimator):
            _patch(cls)
        _install_hook(BaseEstimator)
        return _settings.logged


def _current() -> _Settings | None:
    return _settings


def is_patched(cls: type) -> bool:
    """Whether autolog has replaced ``cls``'s own ``fit``."""
    return cls in _patched


# -- patching -------------------------------------------------------------------------


def _subclasses(base: type) -> list[type]:
    seen: dict[type, None] = {base: None}
    stack = [base]
    while stack:
        for sub in stack.pop().__subclasses__():  # type: ignore[var-annotated]  # type.__subclasses__ is typed loosely
            if sub not in seen:
                seen[sub] = None
                stack.append(sub)
    return list(seen)


def _patch(cls: type) -> None:
    fit = cls.__dict__.get("fit")
    if cls in _patched or not inspect.isfunction(fit) or hasattr(fit, _ORIGINAL):
        return
    wrapper = _wrap(fit)
    setattr(wrapper, _ORIGINAL, fit)
    cls.fit = wrapper  # type: ignore[attr-defined]  # patching sklearn at run time
    _patched[cls] = fit


def _unpatch_all() -> None:
    _autolog_common.unpatch_all()
    for cls, fit in _patched.items():
        if getattr(cls.__dict__.get("fit"), _ORIGINAL, None) is fit:
            cls.fit = fit  # type: ignore[attr-defined]  # patching sklearn at run time
    _patched.clear()
    if _hook:
        from sklearn.base import BaseEstimator

        previous = _hook.pop("previous")
        if previous is None:
            del BaseEstimator.__init_subclass__
        else:
            BaseEstimator.__init_subclass__ = previous


def _install_hook(base: type) -> None:
    """Patch classes defined after ``autolog()`` too (modules imported later, user estimators)."""
    if _hook:
        return
    previous = base.__dict__.get("__init_subclass__")
    _hook["previous"] = previous

    def __init_subclass__(cls: type, /, **kwargs: Any) -> None:
        if previous is not None:
            previous.__get__(None, cls)(**kwargs)
        else:
            super(base, cls).__init_subclass__(**kwargs)  # type: ignore[arg-type]  # base is known only at run time
        with _lock:
            if _settings is not None:
                _patch(cls)

    base.__init_subclass__ = classmethod(__init_subclass__)  # type: ignore[assignment,method-assign]  # the hook replaces sklearn's at run time


def _wrap(fit: Any) -> Any:
    @functools.wraps(fit)
    def fit_and_log(self: Any, *args: Any, **kwargs: Any) -> Any:
        global _outer_fits
        if _settings is None or _nested.get() or _in_worker_thread():
            return fit(self, *args, **kwargs)
        token = _nested.set(True)
        with _lock:
            _outer_fits += 1
        try:
            return _logged_fit(fit, self, args, kwargs, _settings)
        finally:
            with _lock:
                _outer_fits -= 1
            _nested.reset(token)

    return fit_and_log


def _in_worker_thread() -> bool:
    """A fit in another thread while an outermost fit runs, outside any run: a thread-pool clone.

    Threads do not inherit context variables, so joblib's threading backend would hide
    the nesting; such fits are not logged.
    """
    return _outer_fits > 0 and current_run() is None and threading.current_thread() is not threading.main_thread()


# -- logging around one fit -------------------------------------------------------------


def _logged_fit(
    fit: Any, estimator: Any, args: tuple[Any, ...], kwargs: dict[str, Any], settings: _Settings
) -> Any:
    run = current_run()
    if run is not None:
        return _fit_in_run(run, fit, estimator, args, kwargs, settings)
    try:
        own = active_store().run(f"fit-{type(estimator).__name__}", type="Train")
        own.__enter__()
    except Exception:  # no store must not mean no fit
        _logger.warning("autolog: could not start a run for %s.fit; fitting without logging",
                        type(estimator).__name__, exc_info=True)
        return fit(estimator, *args, **kwargs)
    try:
        result = _fit_in_run(own, fit, estimator, args, kwargs, settings)
    except BaseException as exc:
        _close(own, exc)
        raise
    _close(own, None)
    return result


def _close(run: Any, exc: BaseException | None) -> None:
    try:
        run.__exit__(type(exc) if exc is not None else None, exc, exc.__traceback__ if exc is not None else None)
    except Exception:  # a run that cannot end must not change the fit's outcome
        _logger.warning("autolog: could not end run %r", run.name, exc_info=True)


def _fit_in_run(
    run: Any, fit: Any, estimator: Any, args: tuple[Any, ...], kwargs: dict[str, Any], settings: _Settings
) -> Any:
    name = type(estimator).__name__
    if run not in settings.logged.runs:
        settings.logged.runs.append(run)
    X, y = _arguments(fit, estimator, args, kwargs)
    if settings.log_datasets:
        base = settings.dataset_name or f"{name}.X"
        _safely("log the training data", _log_data, run, X, base, "train")
        if y is not None:
            target = f"{settings.dataset_name}.y" if settings.dataset_name else f"{name}.y"
            _safely("log the training target", _log_data, run, y, target, "target")
    result = fit(estimator, *args, **kwargs)
    _safely("log hyperparameters", lambda: run.log_params(flat_params(estimator)))
    if hasattr(estimator, "best_params_"):  # a search: what it chose
        _safely("log the search's result", lambda: _log_search(run, estimator))
    if settings.training_metrics:
        _safely("log training metrics", lambda: run.log_metrics(training_metrics(estimator, X, y)))
    if settings.log_models:
        _safely("log the model", lambda: run.log_model(estimator, name=settings.model_name or name))
    return result


def _safely(what: str, action: Any, *args: Any) -> None:
    try:
        action(*args)
    except Exception:  # logging must never break the user's fit
        _logger.warning("autolog: could not %s; the fit itself is unaffected", what, exc_info=True)


def _arguments(fit: Any, estimator: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    try:
        bound = inspect.signature(fit).bind_partial(estimator, *args, **kwargs).arguments
    except TypeError:
        return (args[0] if args else None), (args[1] if len(args) > 1 else None)
    names = list(bound)
    X = bound.get("X", bound[names[1]] if len(names) > 1 else None)
    return X, bound.get("y", bound.get("Y"))


def _log_search(run: Any, search: Any) -> None:
    best = {"best_params": dict(search.best_params_)}
    params: dict[str, Any] = {}
    _flatten(params, "best_params", best["best_params"])
    run.log_params(params)
    score = getattr(search, "best_score_", None)
    if score is not None and math.isfinite(float(score)):
        run.log_metric("best_cv_score", float(score))


def _log_data(run: Any, data: Any, name: str, role: str) -> None:
    if data is None:
        return
    if not is_data(data):
        import numpy as np

        data = np.asarray(data)
    run.log_input(data, name=name, role=role)


# -- what gets logged -------------------------------------------------------------------


def flat_params(estimator: Any) -> dict[str, Any]:
    """``get_params(deep=False)`` as flat, JSON-safe params.

    A nested estimator gives its class under its key and its own parameters under
    ``key.param``; pipeline steps and column transformers are keyed by step name
    (``steps.scale``, ``steps.scale.with_mean``).
    """
    out: dict[str, Any] = {}
    for key, value in estimator.get_params(deep=False).items():
        _flatten(out, key, value)
    return {k: v for k, v in out.items() if len(k) <= _MAX_KEY}


def _flatten(out: dict[str, Any], key: str, value: Any) -> None:
    from trailmark.capture._jsonsafe import json_safe
    from trailmark.capture._lazy import class_path
    from trailmark.capture._sklearn import is_estimator

    if is_estimator(value):
        out[key] = class_path(type(value))
        for name, inner in value.get_params(deep=False).items():
            _flatten(out, f"{key}.{name}", inner)
    elif isinstance(value, dict) and value:
        for name, inner in value.items():
            _flatten(out, f"{key}.{name}", inner)
    elif _named_steps(value):
        for entry in value:
            _flatten(out, f"{key}.{entry[0]}", entry[1])
            if len(entry) == 3:
                out[f"{key}.{entry[0]}.columns"] = json_safe(entry[2])
    else:
        out[key] = json_safe(value)


def _named_steps(value: Any) -> bool:
    """Pipeline steps, or ColumnTransformer/FeatureUnion/Voting entries: (name, estimator[, columns])."""
    return (
        isinstance(value, (list, tuple)) and bool(value)
        and all(isinstance(e, (list, tuple)) and len(e) in (2, 3) and isinstance(e[0], str) for e in value)
    )


def training_metrics(estimator: Any, X: Any, y: Any) -> dict[str, float]:
    """``training_score``, plus regression or classification metrics of predictions on the training data."""
    from sklearn.base import is_classifier, is_regressor

    from trailmark.capture import classification_metrics, regression_metrics

    metrics: dict[str, float] = {}
    if X is None:
        return metrics
    if hasattr(estimator, "score"):
        score = estimator.score(X, y) if y is not None else estimator.score(X)
        metrics["training_score"] = float(score)
    if y is not None and hasattr(estimator, "predict"):
        if is_regressor(estimator):
            values = regression_metrics(y, estimator.predict(X))
        elif is_classifier(estimator):
            values = classification_metrics(y, estimator.predict(X))
        else:
            values = {}
        metrics.update({f"training_{k}": v for k, v in values.items()})
    return {k: v for k, v in metrics.items() if math.isfinite(v)}
