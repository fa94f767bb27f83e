"""Which input column each output feature of a fitted ColumnTransformer comes from.

Read from a model's description (:func:`~trailmark.capture._sklearn.describe_estimator`),
so it needs no scikit-learn: a part that keeps its column count (a scaler, an imputer)
maps column to column; one that does not (a one-hot encoder, a function that adds a
column) maps each output to the inputs it is named after, else to all of its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def column_map(description: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(input column, output feature, transformation)`` for every ColumnTransformer in ``description``."""
    found: list[tuple[str, str, str]] = []
    stack: list[Any] = [description]
    while stack:
        entry = stack.pop()
        if isinstance(entry, Mapping):
            if isinstance(entry.get("transformers"), list):
                found += _transformer_map(entry)
            stack.extend(v for k, v in entry.items() if k in ("steps", "transformers"))
        elif isinstance(entry, list):
            stack.extend(entry)
    return found


def _transformer_map(entry: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    outputs = set(entry.get("columns_out") or [])
    found = []
    for part in entry["transformers"]:
        if not isinstance(part, Mapping) or part.get("class") == "drop":
            continue
        ins, outs = list(part.get("columns_in") or []), list(part.get("columns_out") or [])
        how = str(part.get("class") or "passthrough").rsplit(".", 1)[-1]
        name = str(part.get("name"))
        for index, out in enumerate(outs):
            sources = [ins[index]] if len(ins) == len(outs) else [i for i in ins if str(out).startswith(str(i))] or ins
            feature = f"{name}__{out}" if f"{name}__{out}" in outputs else str(out)
            found += [(str(source), feature, how) for source in sources]
    return found
