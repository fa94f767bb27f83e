"""The active store (set by ``connect``) and the run in progress, as module-level conveniences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from trailmark._config import DEFAULT_PROJECT
from trailmark.store import Store, open_store

if TYPE_CHECKING:
    from trailmark.tracking._run import Run

_active: list[Store] = []
_current_run: ContextVar[Run | None] = ContextVar("trailmark_current_run", default=None)


def connect(uri: str | None = None, *, project: str = DEFAULT_PROJECT, **options: Any) -> Store:
    """Open a store and make it the active one.

    ``uri``: ``sqlite:///PATH``, ``postgresql://USER@HOST/DB`` or ``http://HOST:PORT``;
    None means ``$TRAILMARK_URI``, else ``sqlite:///trailmark.db``. HTTP stores take
    ``token=`` (else ``$TRAILMARK_TOKEN``).

    Example:
        >>> store = connect("sqlite:///pipeline.db")
    """
    store = open_store(uri, project=project, **options)
    _active[:] = [store]
    return store


def active_store() -> Store:
    """The store of the last ``connect``; connects to the default store if there is none."""
    if not _active:
        connect()
    return _active[0]


def run(
    name: str,
    *,
    type: str = "Run",
    experiment: str | None = None,
    params: Mapping[str, Any] | None = None,
    inputs: Sequence[Any] = (),
    cache: bool = False,
    system_metrics: bool | float | None = None,
) -> Run:
    """A tracked run on the active store, used as a context manager.

    ``inputs`` are logged as it starts; ``cache=True`` serves a run already done with the
    same inputs, params and code from the cache (``run.cached``; see docs/reuse.md).
    ``system_metrics``: False turns off the ``system/...`` series sampled while the run is
    open, a number sets their interval in seconds (default 10, see docs/capture.md).

    Example:
        >>> with run("train", type="Train", params={"max_depth": 10}) as r:
        ...     r.log_metric("rmse", 28000.0)
    """
    return active_store().run(name, type=type, experiment=experiment, params=params, inputs=inputs, cache=cache,
                                system_metrics=system_metrics)


def current_run() -> Run | None:
    """The innermost run in progress in this thread or task, if any."""
    return _current_run.get()


def enter_run(value: Run) -> Any:
    return _current_run.set(value)


def leave_run(token: Any) -> None:
    _current_run.reset(token)
