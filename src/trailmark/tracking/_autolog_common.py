"""What the framework autologs share: a run for each training call, patches that can be undone, safe logging."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from trailmark.tracking._active import active_store, current_run

_logger = logging.getLogger(__name__)

training: ContextVar[bool] = ContextVar("trailmark_autolog_training", default=False)
"""True inside a training call autolog is logging (an sklearn-wrapper fit calling ``xgb.train``)."""

_patches: list[tuple[Any, str, Any, bool]] = []  # (owner, attribute, original, owned), in the order applied


def patch(owner: Any, attribute: str, make: Callable[[Any], Any]) -> None:
    """Replace ``owner.attribute`` by ``make(original)``, once; :func:`unpatch_all` puts it back
    (or removes it, when ``owner`` only inherited it)."""
    original = getattr(owner, attribute, None)
    if original is None or getattr(original, "__trailmark_original__", None) is not None:
        return
    owned = attribute in vars(owner)
    wrapper: Any = functools.wraps(original)(make(original))
    wrapper.__trailmark_original__ = original
    setattr(owner, attribute, wrapper)
    _patches.append((owner, attribute, original, owned))


def unpatch_all() -> None:
    while _patches:
        owner, attribute, original, owned = _patches.pop()
        if owned:
            setattr(owner, attribute, original)
        else:
            delattr(owner, attribute)


def in_run(label: str, logged: Any, body: Callable[[Any], Any], plain: Callable[[], Any]) -> Any:
    """``body(run)`` in the current run, or in a Train run of its own named ``label``;
    ``plain()`` (the call unlogged) when no run can start. ``logged``: the :class:`Autologged` to add the run to."""
    run = current_run()
    if run is not None:
        if run not in logged.runs:
            logged.runs.append(run)
        return _marked(body, run)
    try:
        own = active_store().run(label, type="Train")
        own.__enter__()
    except Exception:  # no store must not mean no training
        _logger.warning("autolog: could not start a run for %s; training without logging", label, exc_info=True)
        return plain()
    logged.runs.append(own)
    try:
        result = _marked(body, own)
    except BaseException as exc:
        own.__exit__(type(exc), exc, exc.__traceback__)
        raise
    own.__exit__(None, None, None)
    return result


def _marked(body: Callable[[Any], Any], run: Any) -> Any:
    token = training.set(True)
    try:
        return body(run)
    finally:
        training.reset(token)


def safely(what: str, action: Callable[[], Any]) -> None:
    try:
        action()
    except Exception:  # logging must never break the user's training
        _logger.warning("autolog: could not %s; the training itself is unaffected", what, exc_info=True)


def finite(values: Mapping[str, Any]) -> dict[str, float]:
    """The numeric, finite values of a mapping, as floats (tensors and numpy scalars included)."""
    out: dict[str, float] = {}
    for key, value in values.items():
        try:
            number = float(value.item() if hasattr(value, "item") else value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            out[str(key)] = number
    return out


def json_params(values: Mapping[str, Any]) -> dict[str, Any]:
    from trailmark.capture._jsonsafe import json_safe

    return {str(k): json_safe(v) for k, v in values.items() if v is not None and not callable(v)}
