"""``@tm.step``: every call of a function becomes an execution with its data as inputs and outputs."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

from trailmark.reuse._key import cache_disabled
from trailmark.tracking import _cache
from trailmark.tracking._active import active_store, current_run
from trailmark.tracking._data import is_data

F = TypeVar("F", bound=Callable[..., Any])


@overload
def step(func: F) -> F: ...
@overload
def step(
    *, type: str = "Step", name: str | None = None, store: Any = None, cache: bool = False
) -> Callable[[F], F]: ...


def step(
    func: F | None = None, *, type: str = "Step", name: str | None = None, store: Any = None, cache: bool = False
) -> Any:
    """Record each call of the decorated function as an execution.

    Arguments that are Artifacts, DataFrames, arrays, Arrow tables or paths are logged as
    inputs (named ``FUNCTION.ARGUMENT``); such a return value, or such items of a returned
    tuple, as outputs (``FUNCTION.output``). The function's own return value is returned,
    and an exception marks the execution FAILED and propagates.

    With ``cache=True``, a call whose type, name, code, params and input digests match a
    COMPLETE execution of the project does not run the function: the kept return value is
    returned and a COMPLETE execution with ``cached_from`` is recorded. ``$TRAILMARK_CACHE=off``
    runs every call (see docs/reuse.md).

    Example:
        >>> @step(type="Preprocess")
        ... def clean(raw_df):
        ...     return raw_df.dropna()
    """

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        step_name = name or function.__name__

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            target = store if store is not None else active_store()
            bound = signature.bind(*args, **kwargs)
            params = {k: v for k, v in bound.arguments.items() if _is_param(v)}
            if not cache or cache_disabled(os.environ):
                with target.run(step_name, type=type, params=params) as run:
                    for argument, value in bound.arguments.items():
                        if is_data(value):
                            run.log_input(value, name=f"{step_name}.{argument}")
                    result = function(*args, **kwargs)
                    _log_outputs(run, step_name, result)
                return result
            prepared = _cache.prepare(target, function, type=type, name=step_name, arguments=bound.arguments)
            served = _cache.serve(target, prepared, parent=current_run())
            if served is not None:
                return served[1]
            return _run_cached(target, step_name, type, params, prepared, lambda: function(*args, **kwargs))

        return wrapper  # type: ignore[return-value]  # wraps keeps the signature of F

    return decorate(func) if func is not None else decorate


def _run_cached(
    store: Any, name: str, type: str, params: Mapping[str, Any], prepared: _cache.Prepared, call: Callable[[], Any]
) -> Any:
    with store.run(name, type=type, params=params) as run:
        for artifact in prepared.inputs.values():
            run.log_input(artifact)
        result = call()
        _log_outputs(run, name, result)
        if prepared.key is not None:
            _cache.keep(store, run, prepared.key, result)
    return result


def _is_param(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and not is_data(value)


def _log_outputs(run: Any, step_name: str, result: Any) -> None:
    if is_data(result):
        run.log_output(result, name=f"{step_name}.output")
    elif isinstance(result, tuple):
        for index, item in enumerate(result):
            if is_data(item):
                run.log_output(item, name=f"{step_name}.output{index}")
