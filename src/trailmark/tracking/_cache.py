"""The step cache: a step whose type, name, code, params and input digests were seen COMPLETE
is not run again; its kept return value is handed back and the reuse is recorded.

A miss runs the step as usual, keeps the return value in the artifact root (one
``StepResult`` artifact, an output with role ``cache``) and only then records the cache
key, just before the execution ends COMPLETE: an execution found by its key always has its
result. A hit records, in one transaction, a COMPLETE execution with ``cached_from`` set
and the original's outputs linked. Two processes missing at once both run and both are
recorded (see docs/reuse.md).
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, Execution
from trailmark.errors import TrailmarkError
from trailmark.reuse._codec import FORMAT, Unkeepable, decode, encode
from trailmark.reuse._key import Undigestible, cache_key, code_digest, param_value
from trailmark.tracking._data import is_data, log_data

if TYPE_CHECKING:
    from trailmark.store import Store
    from trailmark.tracking._run import Run

RESULT_TYPE = "StepResult"
RESULT_ROLE = "cache"


class CacheWarning(UserWarning):
    """A cached step runs, or is recorded, without the cache (the message says why)."""


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A call's inputs, logged, and its cache key (None when an argument cannot be digested)."""

    inputs: dict[str, Artifact]
    key: str | None


def prepare(store: Store, code: Any, *, type: str, name: str, arguments: Mapping[str, Any]) -> Prepared:
    """Log the data arguments as artifacts and compute the key from them and the other arguments."""
    inputs = {arg: log_data(store, value, name=f"{name}.{arg}", type="Dataset")
              for arg, value in arguments.items() if is_data(value)}
    try:
        params = {arg: param_value(arg, value) for arg, value in arguments.items() if arg not in inputs}
    except Undigestible as exc:
        warnings.warn(f"step {name!r}: {exc}, so it runs without the cache", CacheWarning, stacklevel=3)
        return Prepared(inputs, None)
    digests = [(arg, artifact.digest) for arg, artifact in inputs.items()]
    return Prepared(inputs, cache_key(type=type, name=name, code=code_digest(code), params=params, inputs=digests))


def serve(store: Store, prepared: Prepared, *, parent: Run | None) -> tuple[Execution, Any] | None:
    """On a hit, record the reuse and return (the new execution, the kept value); None on a miss."""
    if prepared.key is None:
        return None
    original = store.cached_execution(prepared.key)
    if original is None:
        return None
    result = _result_artifact(store, original)
    if result is None:
        return None
    try:
        with store.open(result) as stream:
            value = decode(stream.read(), name=result.ref)
    except (TrailmarkError, ImportError) as exc:
        warnings.warn(f"cannot read the kept result {result.ref} ({exc}): running the step again", CacheWarning,
                      stacklevel=3)
        return None
    execution = store.record_cache_hit(
        original, key=prepared.key, inputs=list(prepared.inputs.values()),
        parent=parent.execution if parent is not None and parent.store is store else None,
    )
    return execution, value


def keep(store: Store, run: Run, key: str, value: Any) -> None:
    """Keep ``value`` as the run's result and record its cache key (a warning when it cannot be kept)."""
    from trailmark.artifacts import stored_properties

    try:
        data = encode(value)
        blob = store.put_bytes(io.BytesIO(data))
    except (Unkeepable, TrailmarkError, ImportError) as exc:
        warnings.warn(f"step {run.name!r}: its result is not kept for the cache ({exc})", CacheWarning, stacklevel=4)
        return
    artifact = store.log_artifact(RESULT_TYPE, f"{run.name}.result", blob.uri, digest=blob.digest,
                                  properties=stored_properties(blob, format=FORMAT))
    store.link(run.execution, outputs=[artifact], roles={artifact.id: RESULT_ROLE})
    store.set_cache_key(run.execution, key)


def _result_artifact(store: Store, execution: Execution) -> Artifact | None:
    graph = store.lineage(execution, direction="downstream", depth=1)
    wanted = {e.target for e in graph.edges if e.source == execution.id and e.role == RESULT_ROLE}
    return next((n for n in graph.nodes if isinstance(n, Artifact) and n.id in wanted), None)
