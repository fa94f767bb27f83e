"""Files and models whose bytes a run keeps: ``run.log_file``, ``run.log_model(save=True)``, ``tm.load_model``."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trailmark.artifacts import STORED, save_model, stored_properties
from trailmark.artifacts import load_model as _load
from trailmark.entities import Artifact
from trailmark.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from trailmark.store import Store
    from trailmark.store._protocol import NodeLike


def keep_file(store: Store, path: str | Path, *, type: str, name: str | None = None) -> Artifact:
    """Keep a local file's bytes in the artifact root and log it as an artifact whose uri names them."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise ValidationError(f"cannot log {str(path)!r}: not a readable file")
    with source.open("rb") as stream:
        blob = store.put_bytes(stream)
    properties = stored_properties(blob, filename=source.name)
    return store.log_artifact(type, name or source.stem, blob.uri, digest=blob.digest, properties=properties)


def saved_model_properties(store: Store, model: Any, format: str | None) -> tuple[str, dict[str, Any]]:
    """Save ``model``'s file in the artifact root; its uri and the ``stored`` property to log."""
    data, used = save_model(model, format)
    blob = store.put_bytes(io.BytesIO(data))
    return blob.uri, stored_properties(blob, format=used)


def load_model(ref: NodeLike, *, store: Store | None = None, trusted: Sequence[str] | None = None) -> Any:
    """The fitted model a Model artifact kept (``run.log_model(..., save=True)``), checked against its digest.

    Args:
        ref: the model, e.g. ``model:house-price-rf@production``.
        store: where to look (default: the active store).
        trusted: type names skops may load beyond its trusted set (a skops file).

    Example:
        >>> model = tm.load_model("model:house-price-rf@production")
    """
    if store is None:
        from trailmark.tracking._active import active_store

        store = active_store()
    node = store.get(ref)
    stored = node.properties.get(STORED) if isinstance(node, Artifact) else None
    if not isinstance(stored, Mapping) or not stored.get("format"):
        raise NotFoundError(f"{node.ref} has no saved model file: log it with run.log_model(..., save=True)")
    with store.open(node) as stream:
        data = stream.read()
    return _load(data, str(stored["format"]), name=node.ref, trusted=trusted)
