"""The step cache: a step whose type, name, code, params and input digests were seen COMPLETE
is not run again; its kept return value is handed back and the reuse is recorded.

A miss runs the step as usual, keeps the return value in the artifact root (one
``StepResult`` artifact, an output with role ``cache``) and only then records the cache
key, just before the execution ends COMPLETE: an execution found by its key always has its
result. A hit records, in one transaction, a COMPLETE execution with ``cached_from`` set
and the original's outputs linked. Two processes missing at once both run and both are
recorded (see docs/reuse.md). A store without an artifact root (PostgreSQL with none set)
keeps results in this machine's cache folder, so hits are served where the step ran.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, Execution
from trailmark.errors import TrailmarkError, ValidationError
from trailmark.reuse._codec import FORMAT, Unkeepable, decode, encode
from trailmark.reuse._key import Undigestible, cache_key, code_digest, param_value
from trailmark.tracking._data import is_data, log_data

if TYPE_CHECKING:
    from trailmark.artifacts import ArtifactRoot, Blob
    from trailmark.store import Store
    from trailmark.tracking._run import Run

_logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "TRAILMARK_CACHE_DIR"
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


def serve(store: Store, prepared: Prepared, *, parent: Run | None, value: bool = True) -> tuple[Execution, Any] | None:
    """On a hit, record the reuse and return (the new execution, the kept value); None on a miss.

    ``value=False`` (a ``tm.run`` block, which returns nothing) needs no kept value: the value is None.
    """
    if prepared.key is None:
        return None
    original = store.cached_execution(prepared.key)
    if original is None:
        return None
    kept = None
    if value:
        result = _result_artifact(store, original)
        if result is None:
            return None
        try:
            data = _read(store, result)
            if data is None:
                return None
            kept = decode(data, name=result.ref)
        except (TrailmarkError, ImportError) as exc:
            warnings.warn(f"cannot read the kept result {result.ref} ({exc}): running the step again", CacheWarning,
                          stacklevel=3)
            return None
    execution = store.record_cache_hit(
        original, key=prepared.key, inputs=list(prepared.inputs.values()),
        parent=parent.execution if parent is not None and parent.store is store else None,
    )
    return execution, kept


def keep(store: Store, run: Run, key: str, value: Any) -> None:
    """Keep ``value`` as the run's result and record its cache key (a warning when it cannot be kept)."""
    from trailmark.artifacts import stored_properties

    try:
        data = encode(value)
    except Unkeepable as exc:
        warnings.warn(f"step {run.name!r}: its result is not kept for the cache ({exc})", CacheWarning, stacklevel=4)
        return
    try:
        blob = store.put_bytes(io.BytesIO(data))
    except ValidationError as exc:  # no artifact root: this machine's cache folder still serves hits here
        _logger.info("keeping the result of %s in %s: %s", run.name, local_root().url, exc)
        blob = _put_local(data)
    artifact = store.log_artifact(RESULT_TYPE, f"{run.name}.result", blob.uri, digest=blob.digest,
                                  properties=stored_properties(blob, format=FORMAT))
    store.link(run.execution, outputs=[artifact], roles={artifact.id: RESULT_ROLE})
    store.set_cache_key(run.execution, key)


def local_root() -> ArtifactRoot:
    """Where results go when the store has no artifact root: ``$TRAILMARK_CACHE_DIR``, else ``~/.cache/trailmark``."""
    from trailmark.artifacts import ArtifactRoot

    folder = os.environ.get(CACHE_DIR_ENV) or str(Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")) / "trailmark")
    return ArtifactRoot(str(Path(folder).expanduser() / "step-results"))


def _put_local(data: bytes) -> Blob:
    from trailmark.artifacts import Blob

    root = local_root()
    digest = root.put_bytes(data)
    return Blob(digest=digest, uri=root.uri(digest), size=len(data))


def _read(store: Store, result: Artifact) -> bytes | None:
    """The kept bytes of a result: from the store's root, else from this machine's cache folder."""
    from trailmark.artifacts import stored_digest

    try:
        with store.open(result) as stream:
            return stream.read()
    except ValidationError:  # the store has no artifact root
        root, digest = local_root(), stored_digest(result)
        if not root.exists(digest):
            return None
        with root.open(digest, name=result.ref) as stream:
            return stream.read()


def _result_artifact(store: Store, execution: Execution) -> Artifact | None:
    graph = store.lineage(execution, direction="downstream", depth=1)
    wanted = {e.target for e in graph.edges if e.source == execution.id and e.role == RESULT_ROLE}
    return next((n for n in graph.nodes if isinstance(n, Artifact) and n.id in wanted), None)
