"""Why two datasets are alike, in words: shared columns, and the statistics that are close."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from trailmark.reuse._features import column_kinds, column_skew, missing_rate

_CLOSE = 0.1  # relative difference under which a figure counts as close


def reasons(query: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """Sentences on what ``other``'s profile shares with ``query``'s, most telling first."""
    mine, theirs = column_kinds(query), column_kinds(other)
    shared = [name for name in mine if name in theirs]
    said: list[str] = []
    if shared:
        said.append(f"{len(shared)} of {len(mine)} columns shared: {_names(shared)}")
        same_types = [n for n in shared if mine[n] == theirs[n]]
        if len(same_types) == len(shared):
            said.append("same column types")
        else:
            said.append(f"types differ for {_names([n for n in shared if n not in same_types])}")
    else:
        said.append("no column in common")
    added = [n for n in theirs if n not in mine]
    if added:
        said.append(f"also has {_names(added)}")
    dropped = [n for n in mine if n not in theirs]
    if shared and dropped:
        said.append(f"lacks {_names(dropped)}")
    said.append(_rows(query, other))
    close = [n for n in shared if mine[n] == theirs[n] == "numeric" and _close_numeric(query, other, n)]
    if close:
        said.append(f"close spread and skew: {_names(close)}")
    cardinal = [n for n in shared if _same_cardinality(query, other, n)]
    if cardinal:
        said.append(f"same cardinality: {_names(cardinal)}")
    if shared and all(abs(missing_rate(query, n) - missing_rate(other, n)) < 0.01 for n in shared):
        said.append("missing rates within 1 point")
    return said


def _rows(query: Mapping[str, Any], other: Mapping[str, Any]) -> str:
    a, b = int(query.get("rows") or 0), int(other.get("rows") or 0)
    if a == b:
        return f"same row count ({a:,})"
    return f"{b:,} rows against {a:,}" + (" (close)" if _relative(a, b) < _CLOSE else "")


def _close_numeric(query: Mapping[str, Any], other: Mapping[str, Any], name: str) -> bool:
    a, b = _stats(query, name), _stats(other, name)
    if not a or not b:
        return False
    std_a, std_b = a.get("std"), b.get("std")
    if not isinstance(std_a, (int, float)) or not isinstance(std_b, (int, float)):
        return False
    skew_a, skew_b = column_skew(a), column_skew(b)
    skew_close = skew_a is None or skew_b is None or abs(skew_a - skew_b) < 0.5
    return _relative(std_a, std_b) < _CLOSE and skew_close


def _same_cardinality(query: Mapping[str, Any], other: Mapping[str, Any], name: str) -> bool:
    a, b = _categorical(query, name), _categorical(other, name)
    return bool(a and b) and a.get("cardinality") == b.get("cardinality")


def _stats(properties: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found = (properties.get("stats") or {}).get(name)
    return found if isinstance(found, dict) else {}


def _categorical(properties: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found = (properties.get("categorical") or {}).get(name)
    return found if isinstance(found, dict) else {}


def _relative(a: float, b: float) -> float:
    """|a - b| over the larger magnitude: 0 for equal figures, 1 when they cannot be compared."""
    scale = max(abs(a), abs(b))
    if scale == 0:
        return 0.0
    return abs(a - b) / scale if math.isfinite(scale) else 1.0


def _names(names: list[str], most: int = 6) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
