"""Meta-features of a dataset, from its stored profile, packed into a compact vector.

A vector has three parts, scored by :func:`score`:

- schema bits: each column name, and each (name, kind) pair, set one of 1,024 bits;
- column-statistic bits: each column's coarse statistics (missing rate, skew, cardinality,
  scale), bucketed and hashed with the column's name into another 1,024 bits;
- table figures: rows, columns, the mix of column kinds, missing rates, skew, cardinality
  and duplicates, each scaled into [0, 1].

Bits compare by overlap (Ochiai: shared / sqrt(mine * theirs)), so a table with the same
columns and new values scores near 1 while an unrelated table of the same size only gets
the table figures' share (:class:`~trailmark.reuse._matrix.Matrix` scores many at once).
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BITS = 1024
_BIT_BYTES = BITS // 8
FIGURES = 13
_FIGURES_FORMAT = f"<{FIGURES}f"
VECTOR_BYTES = 2 * _BIT_BYTES + struct.calcsize(_FIGURES_FORMAT)

# Shares of the score: what the columns are, how each column looks, how the table looks.
SCHEMA_WEIGHT = 0.6
COLUMN_WEIGHT = 0.15
TABLE_WEIGHT = 0.25

_KINDS = ("numeric", "categorical", "temporal", "other")
_NUMERIC_PREFIXES = ("int", "uint", "float", "double", "decimal", "halffloat")
_TEMPORAL_PREFIXES = ("date", "time", "timestamp", "duration")


@dataclass(frozen=True)
class Features:
    """The unpacked vector of one dataset."""

    schema: int
    columns: int
    figures: tuple[float, ...]

    def pack(self) -> bytes:
        return (
            self.schema.to_bytes(_BIT_BYTES, "little")
            + self.columns.to_bytes(_BIT_BYTES, "little")
            + struct.pack(_FIGURES_FORMAT, *self.figures)
        )

    @classmethod
    def unpack(cls, data: bytes) -> Features:
        return cls(
            int.from_bytes(data[:_BIT_BYTES], "little"),
            int.from_bytes(data[_BIT_BYTES : 2 * _BIT_BYTES], "little"),
            struct.unpack(_FIGURES_FORMAT, data[2 * _BIT_BYTES :]),
        )


def has_profile(properties: Mapping[str, Any]) -> bool:
    """True when properties hold a dataset profile (a schema and a row count)."""
    return isinstance(properties.get("schema"), list) and isinstance(properties.get("rows"), int)


def features(properties: Mapping[str, Any]) -> Features:
    """The meta-features of a profile (see :func:`has_profile`)."""
    columns = [c for c in properties["schema"] if isinstance(c, dict) and isinstance(c.get("name"), str)]
    rows = max(int(properties["rows"]), 0)
    kinds = {c["name"]: _kind(str(c.get("dtype", ""))) for c in columns}
    schema_tokens = [f"n:{n.lower()}" for n in kinds] + [f"t:{n.lower()}:{k}" for n, k in kinds.items()]
    column_tokens: list[str] = []
    missing = {n: _missing_rate(properties, n, rows) for n in kinds}
    skews, cardinalities = [], []
    for name, kind in kinds.items():
        column_tokens.append(f"m:{name.lower()}:{_bucket(missing[name], (0.0, 0.01, 0.05, 0.2, 0.5))}")
        stats = _section(properties, "stats").get(name)
        if kind == "numeric" and isinstance(stats, dict):
            skew = column_skew(stats)
            if skew is not None:
                skews.append(abs(skew))
                column_tokens.append(f"s:{name.lower()}:{round(math.tanh(skew / 2) * 2)}")
            mean = stats.get("mean")
            if isinstance(mean, (int, float)) and math.isfinite(mean):
                column_tokens.append(f"a:{name.lower()}:{round(math.log10(abs(mean) + 1))}")
        top = _section(properties, "categorical").get(name)
        if isinstance(top, dict) and isinstance(top.get("cardinality"), int):
            cardinalities.append(top["cardinality"])
            column_tokens.append(f"c:{name.lower()}:{round(math.log2(top['cardinality'] + 1))}")
    count = len(kinds) or 1
    mix = [sum(1 for k in kinds.values() if k == kind) / count for kind in _KINDS]
    duplicates = properties.get("duplicate_rows")
    figures = (
        min(math.log10(rows + 1) / 9, 1.0),
        min(math.log10(len(kinds) + 1) / 4, 1.0),
        *mix,
        _mean(list(missing.values())),
        max(missing.values(), default=0.0),
        _mean([math.tanh(s / 2) for s in skews]),
        _mean([min(math.log10(c + 1) / 6, 1.0) for c in cardinalities]),
        _mean([min(c / rows, 1.0) for c in cardinalities]) if rows else 0.0,
        min(duplicates / rows, 1.0) if isinstance(duplicates, int) and rows else 0.0,
        len(cardinalities) / count,
    )
    return Features(_bits(schema_tokens), _bits(column_tokens), figures)


def column_skew(stats: Mapping[str, Any]) -> float | None:
    """Pearson's median skewness, 3 (mean - median) / std, from a numeric column's summary."""
    mean, median, std = stats.get("mean"), stats.get("q50"), stats.get("std")
    if not (isinstance(mean, (int, float)) and isinstance(median, (int, float)) and isinstance(std, (int, float))):
        return None
    if not std:
        return None
    value = 3 * (float(mean) - float(median)) / float(std)
    return value if math.isfinite(value) else None


def column_kinds(properties: Mapping[str, Any]) -> dict[str, str]:
    """Column name -> numeric | categorical | temporal | other, from a profile's schema."""
    return {c["name"]: _kind(str(c.get("dtype", ""))) for c in properties.get("schema", []) if isinstance(c, dict)}


def missing_rate(properties: Mapping[str, Any], name: str) -> float:
    return _missing_rate(properties, name, int(properties.get("rows") or 0))


def _kind(dtype: str) -> str:
    text = dtype.lower()
    if text.startswith(_NUMERIC_PREFIXES):
        return "numeric"
    if text.startswith(_TEMPORAL_PREFIXES):
        return "temporal"
    if text.startswith(("str", "string", "large_string", "object", "category", "dictionary", "bool")):
        return "categorical"
    return "other"


def _section(properties: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    found = properties.get(key)
    return found if isinstance(found, dict) else {}


def _missing_rate(properties: Mapping[str, Any], name: str, rows: int) -> float:
    count = _section(properties, "missing").get(name)
    return min(count / rows, 1.0) if isinstance(count, int) and rows else 0.0


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    return sum(1 for edge in edges if value > edge)


def _bits(tokens: list[str]) -> int:
    bits = 0
    for token in tokens:
        digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
        bits |= 1 << (int.from_bytes(digest, "little") % BITS)
    return bits


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
