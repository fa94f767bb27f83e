"""A step's return value as one archive of bytes, and back, without pickle.

The archive is a zip file: ``result.json`` holds the value's shape (lists, tuples, dicts,
plain scalars) and names a member for each DataFrame or Series (Parquet), array (``.npy``,
no object arrays), bytes, or fitted model (the artifact root's model format, skops). A
value holding anything else cannot be kept, so its step is not cached.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from trailmark.errors import ValidationError

FORMAT = "trailmark-step-result/1"
_MANIFEST = "result.json"
_DEPTH = 32
_UNNAMED = "__trailmark_series__"


class Unkeepable(Exception):
    """A return value the archive cannot hold."""


def encode(value: Any) -> bytes:
    """The archive of ``value``; Unkeepable names the part it cannot hold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        members: list[str] = []

        def add(data: bytes, suffix: str) -> str:
            member = f"m{len(members)}{suffix}"
            members.append(member)
            archive.writestr(member, data)
            return member

        shape = _shape(value, add, 0)
        archive.writestr(_MANIFEST, json.dumps({"format": FORMAT, "value": shape}))
    return buffer.getvalue()


def decode(data: bytes, *, name: str) -> Any:
    """The value an archive holds; ``name`` (the artifact) is named in errors."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read(_MANIFEST))
            if manifest.get("format") != FORMAT:
                raise ValidationError(f"{name} is not a step result this version can read ({manifest.get('format')!r})")
            return _value(manifest["value"], archive, name)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValidationError(f"{name} is not a readable step result: {exc}") from exc


def _shape(value: Any, add: Any, depth: int) -> Any:
    if depth > _DEPTH:
        raise Unkeepable(f"nested deeper than {_DEPTH} levels")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return {"$list" if isinstance(value, list) else "$tuple": [_shape(v, add, depth + 1) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise Unkeepable("a dict with keys that are not strings")
        return {"$dict": {k: _shape(v, add, depth + 1) for k, v in value.items()}}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": add(bytes(value), ".bin")}
    module = type(value).__module__.split(".")[0]
    kind = type(value).__name__
    if module == "pandas" and kind in ("DataFrame", "Series"):
        return {f"${kind.lower()}": add(_parquet(value), ".parquet")}
    if module == "numpy" and kind == "ndarray":
        return {"$array": add(_npy(value), ".npy")}
    return _model(value, add)


def _parquet(value: Any) -> bytes:
    if type(value).__name__ == "Series":
        frame = value.to_frame(name=_UNNAMED if value.name is None else value.name)
    else:
        frame = value
    buffer = io.BytesIO()
    try:
        frame.to_parquet(buffer)
    except (ValueError, TypeError, ImportError) as exc:
        raise Unkeepable(f"a {type(value).__name__} Parquet cannot hold ({exc})") from exc
    return buffer.getvalue()


def _npy(value: Any) -> bytes:
    import numpy as np

    if value.dtype == object:
        raise Unkeepable("an array of Python objects")
    buffer = io.BytesIO()
    np.save(buffer, value, allow_pickle=False)
    return buffer.getvalue()


def _model(value: Any, add: Any) -> Any:
    from trailmark.artifacts import save_model

    try:
        data, format = save_model(value)
    except (ValidationError, ImportError) as exc:
        raise Unkeepable(f"a {type(value).__module__}.{type(value).__qualname__}") from exc
    return {"$model": add(data, f".{format}"), "format": format}


def _value(shape: Any, archive: zipfile.ZipFile, name: str) -> Any:
    if not isinstance(shape, dict):
        return shape
    if "$list" in shape:
        return [_value(v, archive, name) for v in shape["$list"]]
    if "$tuple" in shape:
        return tuple(_value(v, archive, name) for v in shape["$tuple"])
    if "$dict" in shape:
        return {k: _value(v, archive, name) for k, v in shape["$dict"].items()}
    if "$bytes" in shape:
        return archive.read(shape["$bytes"])
    if "$dataframe" in shape or "$series" in shape:
        import pandas as pd  # the extra may be absent

        frame = pd.read_parquet(io.BytesIO(archive.read(shape.get("$dataframe") or shape["$series"])))
        if "$dataframe" in shape:
            return frame
        series = frame.iloc[:, 0]
        return series.rename(None) if series.name == _UNNAMED else series
    if "$array" in shape:
        import numpy as np

        return np.load(io.BytesIO(archive.read(shape["$array"])), allow_pickle=False)
    if "$model" in shape:
        from trailmark.artifacts import load_model

        return load_model(archive.read(shape["$model"]), str(shape["format"]), name=name)
    raise ValidationError(f"{name} holds a part this version cannot read: {sorted(shape)}")
