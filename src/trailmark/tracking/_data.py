"""Turn what a user hands to a run (a DataFrame, an array, bytes, a path, a URI, an Artifact) into an artifact."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from trailmark.entities import Artifact
from trailmark.errors import ValidationError
from trailmark.hashing import digest_bytes
from trailmark.refs import parse_ref

_DATA_MODULES = {"pandas", "numpy", "pyarrow", "polars"}
_TABULAR_SUFFIXES = {".csv", ".parquet", ".pq", ".tsv"}


def is_data(value: Any) -> bool:
    """True for the values a step records as inputs or outputs."""
    if isinstance(value, (Artifact, Path, bytes)):
        return True
    if isinstance(value, str):
        return "://" in value or Path(value).exists()
    return type(value).__module__.split(".")[0] in _DATA_MODULES and hasattr(value, "shape")


def known_artifact(store: Any, value: Any) -> Artifact | None:
    """The stored artifact a reference names (``dataset:housing-raw@2``), when ``value`` is one.

    A string is a reference when it is no URI, no existing path, and parses as a reference;
    one that names nothing raises NotFoundError saying what was looked for.
    """
    if not isinstance(value, str) or "://" in value or Path(value).expanduser().exists():
        return None
    try:
        parse_ref(value)
    except ValidationError:
        return None
    node = store.get(value)
    if not isinstance(node, Artifact):
        raise ValidationError(f"{value} is an execution: runs read and write artifacts")
    return node


def log_data(
    store: Any, value: Any, *, name: str | None, type: str, uri: str | None = None, sensitive: Sequence[str] = ()
) -> Artifact:
    """The artifact for ``value``, logged into the ``type``/``name`` series when it is new.

    ``sensitive`` names columns whose values the profile must not keep (as for detected personal data).
    """
    if isinstance(value, Artifact):
        return value
    if isinstance(value, (str, Path)):
        return _log_location(store, str(value), name=name, type=type, sensitive=sensitive)
    if name is None:
        raise ValidationError(f"name= is needed to log an in-memory {value.__class__.__name__}")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _log(store, type, name, uri, digest=digest_bytes(value), properties={"bytes": len(value)})
    from trailmark.capture import describe_dataset

    description = describe_dataset(value, sensitive=sensitive)
    return _log(store, type, name, uri, digest=description.digest, properties=description.properties)


def _log_location(store: Any, location: str, *, name: str | None, type: str, sensitive: Sequence[str]) -> Artifact:
    if "://" in location and not location.startswith("file://"):
        return _log(store, type, name or _basename(location), location)
    path = Path(location.removeprefix("file://")).expanduser()
    if not path.exists():
        raise ValidationError(f"cannot log {location!r}: no such file or directory")
    properties: dict[str, Any] = {}
    if path.suffix.lower() in _TABULAR_SUFFIXES or path.is_dir():
        properties = _describe_file(path, sensitive)
    return _log(store, type, name or _basename(str(path)), path.resolve().as_uri(), properties=properties)


def _log(store: Any, type: str, name: str, uri: str | None, **options: Any) -> Artifact:
    """``store.log_artifact``: the Artifact, or inside a run the Pending a Batch hands back for it."""
    logged: Artifact = store.log_artifact(type, name, uri, **options)
    return logged


def _describe_file(path: Path, sensitive: Sequence[str]) -> dict[str, Any]:
    """Schema and statistics of a data file when pyarrow is installed; nothing otherwise."""
    try:
        from trailmark.capture import describe_dataset

        return describe_dataset(path, sensitive=sensitive).properties
    except ImportError:
        return {}
    except (ValueError, OSError):  # not a table after all: the file is still versioned by its bytes
        return {}


def _basename(location: str) -> str:
    stem = Path(location.rstrip("/").split("://", 1)[-1]).stem
    return stem or "data"
