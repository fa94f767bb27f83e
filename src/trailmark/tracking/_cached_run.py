"""``tm.run(..., inputs=[...], cache=True)``: a run whose inputs are declared up front, so its
cache key is known before the body runs.

A ``with`` block cannot skip its own body, so a hit says so instead: ``run.cached`` is True,
the reuse is already recorded (a COMPLETE execution with ``cached_from``), ``run.outputs``
lists the original's outputs, and the body should do nothing more. The key's code part is
the source of the function (or module) holding the ``with`` statement.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact
from trailmark.reuse._key import cache_disabled
from trailmark.tracking import _active, _cache
from trailmark.tracking._run import Run

if TYPE_CHECKING:
    from trailmark.store import Store


class CachedRun(Run):
    """A :class:`Run` with declared inputs, served from the cache when they, the params, the
    type, the name and the enclosing code match a COMPLETE run of the project.

    Example:
        >>> with tm.run("featurize", type="Preprocess", params={"bins": 10}, inputs=[raw], cache=True) as run:
        ...     if not run.cached:
        ...         run.log_output(featurize(raw, bins=10), name="features")
        >>> run.outputs        # the features, whether made now or before
    """

    def __init__(
        self,
        store: Store,
        name: str,
        *,
        inputs: Sequence[Any],
        cache: bool,
        type: str = "Run",
        experiment: str | None = None,
        params: Mapping[str, Any] | None = None,
        system_metrics: bool | float | None = None,
    ) -> None:
        super().__init__(store, name, type=type, experiment=experiment, params=params, system_metrics=system_metrics)
        self._declared = list(inputs)
        self._cache = cache
        self._key: str | None = None
        self.cached = False
        """True when this run was served from the cache (its body should do nothing)."""
        self.outputs: list[Artifact] = []
        """The original's outputs on a hit; on a run, what it logged as outputs (after the block)."""

    def __enter__(self) -> CachedRun:
        if not self._cache or cache_disabled(os.environ):
            super().__enter__()
            for index, value in enumerate(self._declared):
                self.log_input(value, name=f"{self.name}.input{index}")
            return self
        arguments = {f"input{i}": value for i, value in enumerate(self._declared)}
        arguments.update(self._params)
        caller = sys._getframe(1).f_code  # the code holding the `with` statement
        prepared = _cache.prepare(self.store, caller, type=self.type, name=self.name, arguments=arguments)
        served = _cache.serve(self.store, prepared, parent=_active.current_run(), value=False)
        if served is not None:
            self._execution, self.cached = served[0], True
            self.outputs = _outputs(self.store, served[0])
            return self
        self._key = prepared.key
        super().__enter__()
        if prepared.inputs:
            self.store.link(self.execution, inputs=list(prepared.inputs.values()))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.cached:
            return
        if exc is None and self._key is not None:
            self.store.set_cache_key(self.execution, self._key)
        super().__exit__(exc_type, exc, tb)
        self.outputs = _outputs(self.store, self.execution)


def _outputs(store: Store, execution: Any) -> list[Artifact]:
    graph = store.lineage(execution, direction="downstream", depth=1)
    return [n for n in graph.artifacts() if n.type != _cache.RESULT_TYPE]
