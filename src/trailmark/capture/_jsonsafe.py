"""Turn captured values into plain, JSON-serialisable Python values."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
from collections.abc import Mapping
from typing import Any

MAX_TEXT = 200
MAX_ITEMS = 1000
_MISSING_TYPES = frozenset({"NAType", "NaTType"})  # pandas.NA, pandas.NaT


def json_safe(value: Any, *, max_items: int = MAX_ITEMS) -> Any:
    """A JSON-safe version of ``value``: numpy scalars unwrapped, NaN and infinities as None.

    Arrays and sequences longer than ``max_items`` become a short summary, so one huge
    attribute cannot swamp the metadata; unknown objects become their ``repr``, cut short.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if type(value).__name__ in _MISSING_TYPES:
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, enum.Enum):
        return json_safe(value.value, max_items=max_items)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return json_safe(float(value))
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, Mapping):
        return {str(key): json_safe(item, max_items=max_items) for key, item in value.items()}
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy arrays and scalars
        return _array(value, max_items)
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else list(value)
        if len(items) > max_items:
            return {"length": len(items), "truncated": True}
        return [json_safe(item, max_items=max_items) for item in items]
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', None) or ''}.{value.__qualname__}".lstrip(".")
    return shorten(repr(value))


def _array(value: Any, max_items: int) -> Any:
    size = getattr(value, "size", 1)
    if size > max_items:
        return {"shape": list(value.shape), "dtype": str(value.dtype), "truncated": True}
    return json_safe(value.tolist(), max_items=max_items)


def shorten(text: str) -> str:
    """Text cut to ``MAX_TEXT`` characters."""
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
