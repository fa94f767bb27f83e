"""What it takes to rebuild a model or rerun an execution: code, environment, data, params, seeds.

Built only on Store protocol calls (``get``, ``lineage``, ``packages``), so the recipe is
the same on every backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, EdgeKind, Execution
from trailmark.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from trailmark.store import Store
    from trailmark.store._protocol import NodeLike

_SEED_WORDS = ("seed", "random_state")


def recipe(store: Store, ref: NodeLike) -> dict[str, Any]:
    """The recipe for ``ref``: an artifact (its producing run) or an execution.

    Returns ``target`` and ``execution`` refs, the run's ``type`` and ``name``,
    ``code`` (git ``commit``, ``branch``, ``dirty``, ``remote``; None outside a
    repository), ``python``, ``implementation``, ``platform``, ``packages``
    (name -> version, empty if the run recorded none), ``inputs`` (ref, type, digest,
    uri and role of each artifact read), ``params`` and ``seeds`` (every param whose
    key holds "seed" or "random_state", nested keys joined with dots).

    Raises:
        ValidationError: an artifact with no producing run (it was logged outside one).

    Example:
        >>> recipe(store, "model:house-price-rf@production")["code"]["commit"]
        '4c28512...'
    """
    node = store.get(ref)
    execution = node if isinstance(node, Execution) else _producer(store, node)
    environment = execution.environment or {}
    upstream = store.lineage(execution, direction="upstream", depth=1)
    inputs = []
    for edge in sorted(upstream.edges, key=lambda e: e.source):
        source = upstream.node(edge.source)
        if edge.kind is EdgeKind.INPUT and edge.target == execution.id and isinstance(source, Artifact):
            inputs.append({"ref": source.ref, "type": source.type, "digest": source.digest, "uri": source.uri,
                           "role": edge.role})
    return {
        "target": node.ref,
        "execution": execution.ref,
        "type": execution.type,
        "name": execution.name,
        "status": execution.status.value,
        "code": environment.get("git"),
        "python": environment.get("python"),
        "implementation": environment.get("implementation"),
        "platform": environment.get("platform"),
        "packages": _packages(store, environment),
        "inputs": inputs,
        "params": dict(execution.params),
        "seeds": find_seeds(execution.params),
    }


def find_seeds(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Params whose key contains "seed" or "random_state", nested mappings included."""
    seeds: dict[str, Any] = {}
    for key, value in params.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            seeds.update(find_seeds(value, prefix=path + "."))
        elif any(word in str(key).lower() for word in _SEED_WORDS):
            seeds[path] = value
    return seeds


def _producer(store: Store, artifact: Artifact) -> Execution:
    graph = store.lineage(artifact, direction="upstream", depth=1)
    writers = [graph.node(e.source) for e in graph.edges if e.kind is EdgeKind.OUTPUT and e.target == artifact.id]
    executions = [w for w in writers if isinstance(w, Execution)]
    if not executions:
        raise ValidationError(f"{artifact.ref} has no producing run: it was logged outside one, so there is "
                              "nothing to reproduce; log it with run.log_output or run.log_model")
    return max(executions, key=lambda e: e.id)


def _packages(store: Store, environment: Mapping[str, Any]) -> dict[str, str]:
    digest = environment.get("packages_digest")
    if not digest:
        return {}
    try:
        return dict(store.packages(digest))
    except NotFoundError:  # recorded by a client whose package list never reached this store
        return {}
