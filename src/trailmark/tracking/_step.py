"""``@tm.step``: every call of a function becomes an execution with its data as inputs and outputs."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, overload

from trailmark.tracking._active import active_store
from trailmark.tracking._data import is_data

F = TypeVar("F", bound=Callable[..., Any])


@overload
def step(func: F) -> F: ...
@overload
def step(*, type: str = "Step", name: str | None = None, store: Any = None) -> Callable[[F], F]: ...


def step(func: F | None = None, *, type: str = "Step", name: str | None = None, store: Any = None) -> Any:
    """Record each call of the decorated function as an execution.

    Arguments that are Artifacts, DataFrames, arrays, Arrow tables or paths are logged as
    inputs (named ``FUNCTION.ARGUMENT``); such a return value, or such items of a returned
    tuple, as outputs (``FUNCTION.output``). The function's own return value is returned,
    and an exception marks the execution FAILED and propagates.

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
            with target.run(step_name, type=type, params=params) as run:
                for argument, value in bound.arguments.items():
                    if is_data(value):
                        run.log_input(value, name=f"{step_name}.{argument}")
                result = function(*args, **kwargs)
                _log_outputs(run, step_name, result)
            return result

        return wrapper  # type: ignore[return-value]

    return decorate(func) if func is not None else decorate


def _is_param(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and not is_data(value)


def _log_outputs(run: Any, step_name: str, result: Any) -> None:
    if is_data(result):
        run.log_output(result, name=f"{step_name}.output")
    elif isinstance(result, tuple):
        for index, item in enumerate(result):
            if is_data(item):
                run.log_output(item, name=f"{step_name}.output{index}")
