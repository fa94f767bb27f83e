"""Keep a dataset's metadata at most 1% of the dataset's own size.

For datasets of ``MIN_BYTES`` and more, detail is dropped in a fixed order until the
properties, as JSON, fit in ``RATIO`` of the data bytes: histograms, top values,
quantiles, zero missing counts, then all but the first columns' statistics, categorical
summaries, missing counts and schema entries. ``truncated`` lists what went.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

MIN_BYTES = 1 << 20
RATIO = 0.01


def size_of(properties: dict[str, Any]) -> int:
    """Bytes of the properties as JSON."""
    return len(json.dumps(properties))


def fit_budget(properties: dict[str, Any], data_bytes: int) -> dict[str, Any]:
    """Drop detail, least useful first, until the properties fit the budget."""
    if data_bytes < MIN_BYTES:
        return properties
    limit = int(data_bytes * RATIO) - _RESERVE
    truncated: list[str] = []
    for name, step in _STEPS:
        before = size_of(properties)
        if before <= limit:
            break
        step(properties)
        if size_of(properties) < before:
            truncated.append(name)
    for key in _SHRUNK:
        if size_of(properties) > limit and properties.get(key):
            _shrink(properties, key, limit)
            truncated.append(key)
    if truncated:
        properties["truncated"] = truncated
    return properties


def _drop(section: str, *keys: str) -> Callable[[dict[str, Any]], None]:
    """A step that removes ``keys`` from every column's entry in ``properties[section]``."""

    def step(properties: dict[str, Any]) -> None:
        for summary in properties.get(section, {}).values():
            for key in keys:
                summary.pop(key, None)

    return step


def _drop_zero_missing(properties: dict[str, Any]) -> None:
    if "missing" in properties:
        properties["missing"] = {name: count for name, count in properties["missing"].items() if count}


_STEPS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("histogram", _drop("stats", "histogram")),
    ("top", _drop("categorical", "top")),
    ("quantiles", _drop("stats", "q25", "q50", "q75")),
    ("missing_zero", _drop_zero_missing),
]
_SHRUNK = ("stats", "categorical", "missing", "schema")  # then keep only the first columns of these
_RESERVE = size_of({"truncated": [name for name, _ in _STEPS] + list(_SHRUNK)})  # room for the note itself


def _shrink(properties: dict[str, Any], key: str, limit: int) -> None:
    """Keep the first entries of ``properties[key]`` (a dict or list) that fit the limit."""
    value = properties[key]
    items = list(value.items()) if isinstance(value, dict) else list(value)
    low, high = 0, len(items)
    while low < high:  # the largest prefix that fits
        middle = (low + high + 1) // 2
        properties[key] = dict(items[:middle]) if isinstance(value, dict) else items[:middle]
        if size_of(properties) <= limit:
            low = middle
        else:
            high = middle - 1
    properties[key] = dict(items[:low]) if isinstance(value, dict) else items[:low]
