"""Autolog of deep learning training: PyTorch Lightning's ``Trainer.fit`` and Keras' ``Model.fit``.

Lightning: the module's hyperparameters and the trainer's limits as params, every metric the
module logs (``self.log``) at its global step, each checkpoint a ModelCheckpoint saved as a
version of the model (its file kept), then the trained module, with its architecture.
Keras: ``fit``'s settings and the optimizer's as params, the history per epoch (step = epoch),
the fitted model with its architecture (``summary()``).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trailmark.tracking._autolog_common import finite, in_run, json_params, patch, safely, training

_logger = logging.getLogger(__name__)

_MAX_ARCHITECTURE = 20_000  # characters of the printed architecture kept as a property
_TRAINER_LIMITS = ("max_epochs", "min_epochs", "max_steps", "accumulate_grad_batches", "gradient_clip_val",
                   "check_val_every_n_epoch", "precision")


def patch_installed(settings: Callable[[], Any]) -> list[str]:
    """Patch Lightning and Keras where installed (Keras only with a backend that imports)."""
    done = []
    for name, patcher in (("lightning", _patch_lightning), ("keras", _patch_keras)):
        if importlib.util.find_spec(name) is None:
            continue
        try:
            patcher(settings)
        except Exception as exc:  # Keras raises whatever its backend's import raises (no TensorFlow, ...)
            _logger.debug("autolog: %s cannot be imported, not patched: %s", name, exc)
            continue
        done.append(name)
    return done


# -- Lightning ---------------------------------------------------------------------------


def _patch_lightning(settings: Callable[[], Any]) -> None:
    from lightning.pytorch import Callback, Trainer

    class _Metrics(Callback):
        """Every metric the module logged, at the trainer's global step, once per (key, step)."""

        def __init__(self, run: Any) -> None:
            self.run = run
            self.seen: set[tuple[str, int]] = set()

        def _log(self, trainer: Any) -> None:
            step = int(trainer.global_step)
            for key, value in finite(trainer.logged_metrics).items():
                if (key, step) not in self.seen:
                    self.seen.add((key, step))
                    self.run.log_metric(key, value, step=step)

        def on_train_batch_end(self, trainer: Any, *args: Any) -> None:
            safely("log the step's metrics", lambda: self._log(trainer))

        def on_validation_epoch_end(self, trainer: Any, *args: Any) -> None:
            safely("log the validation metrics", lambda: self._log(trainer))

        def on_train_epoch_end(self, trainer: Any, *args: Any) -> None:
            safely("log the epoch's metrics", lambda: self._log(trainer))

    def make(original: Any) -> Any:
        def fit(trainer: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
            current = settings()
            if current is None or training.get():
                return original(trainer, model, *args, **kwargs)

            def body(run: Any) -> Any:
                safely("log the hyperparameters", lambda: run.log_params(_lightning_params(trainer, model)))
                callback = _Metrics(run)
                trainer.callbacks.append(callback)
                started = time.time()
                try:
                    result = original(trainer, model, *args, **kwargs)
                finally:
                    trainer.callbacks.remove(callback)
                name = current.model_name or type(model).__name__
                if current.log_models:
                    safely("log the checkpoints", lambda: _log_checkpoints(run, trainer, name, started))
                    safely("log the model", lambda: run.log_model(model, name=name, properties=_architecture(model)))
                return result

            return in_run(f"fit-{type(model).__name__}", current.logged, body,
                          lambda: original(trainer, model, *args, **kwargs))

        return fit

    patch(Trainer, "fit", make)


def _lightning_params(trainer: Any, model: Any) -> dict[str, Any]:
    params = json_params(dict(getattr(model, "hparams", {}) or {}))
    limits = {f"trainer.{key}": getattr(trainer, key, None) for key in _TRAINER_LIMITS}
    if trainer.fit_loop is not None:
        limits["trainer.max_epochs"] = trainer.fit_loop.max_epochs
        limits["trainer.max_steps"] = trainer.fit_loop.max_steps
    return {**params, **json_params(limits)}


def _log_checkpoints(run: Any, trainer: Any, name: str, since: float) -> None:
    """Each checkpoint file this fit saved and left on disk, oldest first, as a version of the model ``name``."""
    paths: set[str] = set()
    for callback in trainer.checkpoint_callbacks:
        paths.update(p for p in [*callback.best_k_models, callback.last_model_path, callback.best_model_path] if p)
        if callback.dirpath and os.path.isdir(callback.dirpath):
            paths.update(str(p) for p in Path(callback.dirpath).glob("*.ckpt"))
    saved = [p for p in paths if os.path.isfile(p) and os.path.getmtime(p) >= since]
    for path in sorted(saved, key=os.path.getmtime):
        run.log_file(path, type="Model", name=name, role="checkpoint")


def _architecture(model: Any) -> dict[str, Any]:
    return {"architecture": str(model)[:_MAX_ARCHITECTURE]}


# -- Keras -------------------------------------------------------------------------------


def _patch_keras(settings: Callable[[], Any]) -> None:
    backend = _keras_backend()
    if importlib.util.find_spec(backend) is None:  # importing Keras would fail, after importing much of it
        raise ImportError(f"Keras' backend {backend!r} is not installed (set $KERAS_BACKEND, e.g. to torch)")
    keras = importlib.import_module("keras")

    def make(original: Any) -> Any:
        def fit(model: Any, *args: Any, **kwargs: Any) -> Any:
            current = settings()
            if current is None or training.get():
                return original(model, *args, **kwargs)

            def body(run: Any) -> Any:
                safely("log fit's settings", lambda: run.log_params(_keras_params(model, kwargs)))
                history = original(model, *args, **kwargs)
                safely("log the history", lambda: _log_history(run, history))
                if current.log_models:
                    name = current.model_name or model.name or type(model).__name__
                    safely("log the model", lambda: run.log_model(model, name=name, properties=_summary(model)))
                return history

            return in_run(f"fit-{model.name or type(model).__name__}", current.logged, body,
                          lambda: original(model, *args, **kwargs))

        return fit

    patch(keras.Model, "fit", make)


def _keras_backend() -> str:
    """The backend Keras will import: ``$KERAS_BACKEND``, else ~/.keras/keras.json's, else TensorFlow."""
    import json

    chosen = os.environ.get("KERAS_BACKEND")
    if not chosen:
        config = os.path.join(os.environ.get("KERAS_HOME", os.path.expanduser("~/.keras")), "keras.json")
        try:
            with open(config, encoding="utf-8") as f:
                chosen = json.load(f).get("backend")
        except (OSError, ValueError):
            chosen = None
    return chosen or "tensorflow"


def _keras_params(model: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    settings = {key: kwargs.get(key) for key in ("epochs", "batch_size", "validation_split", "initial_epoch")}
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        with warnings.catch_warnings():  # Keras' variables warn on numpy 2's copy keyword: theirs, not the user's
            warnings.simplefilter("ignore", DeprecationWarning)
            config = optimizer.get_config()
        settings.update({f"optimizer.{k}": v for k, v in config.items()})
    return json_params(settings)


def _log_history(run: Any, history: Any) -> None:
    for key, values in history.history.items():
        for epoch, value in enumerate(values):
            number = finite({"v": value})
            if number:
                run.log_metric(key, number["v"], step=epoch)


def _summary(model: Any) -> dict[str, Any]:
    lines: list[str] = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return {"framework": "keras", "architecture": "\n".join(lines)[:_MAX_ARCHITECTURE],
            "parameters": int(model.count_params())}
