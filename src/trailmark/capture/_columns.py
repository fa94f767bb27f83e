"""Per-column summaries that merge across batches: numeric, categorical, temporal.

Each summary takes the non-null values of one column batch by batch and returns a small
JSON-safe dict at the end. Numeric quantiles and histograms are exact while a column has at
most ``SAMPLE_CAP`` non-null values; past that they come from a uniform random sample
(seeded, so repeatable) and the summary says ``approximate``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from trailmark.capture._jsonsafe import json_safe, shorten

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

SAMPLE_CAP = 1 << 20
MERGE_AT = 1 << 21  # pending dictionary entries that trigger a merge


class NumericSummary:
    """Count, mean, std (ddof=1), min, max, quartiles, quantiles and a histogram of numbers."""

    def __init__(self, bins: int, *, quantiles: int = 0) -> None:
        import numpy as np

        self._np = np
        self._bins = bins
        self._quantiles = quantiles
        self._rng = np.random.default_rng(0)
        self._count = 0
        self._mean = 0.0
        self._m2 = 0.0
        self._min: Any = None
        self._max: Any = None
        self._kept: list[np.ndarray] = []
        self._kept_count = 0
        self._rate = 1.0

    @property
    def approximate(self) -> bool:
        return self._rate < 1.0

    def update(self, array: pa.Array, encoded: pa.DictionaryArray | None = None) -> None:
        """Fold in a batch of a numeric column (NaN already turned into null)."""
        import pyarrow as pa
        import pyarrow.types as pat

        if pat.is_decimal(array.type) or pat.is_float16(array.type):
            array = array.cast(pa.float64())
        self.add(array.drop_null().to_numpy(zero_copy_only=False))

    def add(self, values: np.ndarray) -> None:
        """Fold in non-null numbers."""
        np = self._np
        n = len(values)
        if n == 0:
            return
        with np.errstate(invalid="ignore", over="ignore"):
            mean = float(values.mean())
            m2 = float(np.var(values)) * n
        total = self._count + n
        delta = mean - self._mean
        self._mean += delta * n / total
        self._m2 += m2 + delta * delta * self._count * n / total
        self._count = total
        low, high = values.min().item(), values.max().item()
        self._min = low if self._min is None else min(self._min, low)
        self._max = high if self._max is None else max(self._max, high)
        self._keep(values)

    def _keep(self, values: np.ndarray) -> None:
        if self._rate < 1.0:
            values = values[self._rng.random(len(values)) < self._rate]
        self._kept.append(values)
        self._kept_count += len(values)
        while self._kept_count > SAMPLE_CAP:
            merged = self._np.concatenate(self._kept)
            merged = merged[self._rng.random(len(merged)) < 0.5]
            self._kept, self._kept_count, self._rate = [merged], len(merged), self._rate / 2

    def result(self) -> dict[str, Any]:
        if self._count == 0:
            return {"count": 0}
        np = self._np
        values = np.sort(self._kept[0] if len(self._kept) == 1 else np.concatenate(self._kept))
        std = math.sqrt(self._m2 / (self._count - 1)) if self._count > 1 else None
        out: dict[str, Any] = {"count": self._count, "mean": self._mean, "std": std, "min": self._min, "max": self._max}
        for name, q in (("q25", 0.25), ("q50", 0.5), ("q75", 0.75)):
            out[name] = _quantile(values, q)
        if self._bins:
            out["histogram"] = self._histogram(values)
        if self._quantiles:  # the distribution at equal steps: what drift tests (PSI, KS) compare
            out["quantiles"] = np.quantile(values, np.linspace(0.0, 1.0, self._quantiles + 1)).tolist()
        safe: dict[str, Any] = json_safe(out)
        return safe

    def _histogram(self, ordered: np.ndarray) -> dict[str, list[Any]] | None:
        """Equal-width bins over the finite range, as numpy.histogram; scaled up when sampled."""
        np = self._np
        finite = ordered[np.searchsorted(ordered, -np.inf, "right") : np.searchsorted(ordered, np.inf, "left")]
        if len(finite) == 0:
            return None
        low, high = finite[0].item(), finite[-1].item()
        if low == high:
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, self._bins + 1)
        counts = np.diff(np.concatenate(([0], np.searchsorted(finite, edges[1:-1], "left"), [len(finite)])))
        if self.approximate:
            counts = np.rint(counts / self._rate).astype(np.int64)
        return {"bins": edges.tolist(), "counts": counts.tolist()}


def _quantile(ordered: np.ndarray, q: float) -> float:
    """Linear-interpolated quantile of sorted values (numpy's default method)."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    a, b = float(ordered[low]), float(ordered[high])
    return a + (b - a) * (position - low)


class CategoricalSummary:
    """Cardinality and most frequent values of strings, booleans or dictionary columns.

    Only values seen at least twice are listed, so no single record's value is stored;
    ``counts`` keeps up to that many categories with their counts, the rest summed in ``other``
    (what drift tests compare).
    """

    def __init__(self, top: int, *, counts: int = 0) -> None:
        self._top = top
        self._counts = counts
        self._pending: list[tuple[pa.Array, pa.Array]] = []
        self._pending_size = 0

    def update(self, array: pa.Array, encoded: pa.DictionaryArray | None = None) -> None:
        """Fold in a batch, given dictionary-encoded (``encoded``) as well."""
        import numpy as np
        import pyarrow as pa

        if encoded is None:
            raise TypeError("CategoricalSummary.update needs the dictionary-encoded batch")
        dictionary = encoded.dictionary
        counts = np.bincount(encoded.indices.drop_null().to_numpy(), minlength=len(dictionary))
        self._pending.append((dictionary, pa.array(counts)))
        self._pending_size += len(dictionary)
        if len(self._pending) > 1 and self._pending_size > MERGE_AT:
            self._pending = [self._merged()]
            self._pending_size = len(self._pending[0][0])

    def _merged(self) -> tuple[pa.Array, pa.Array]:
        """One (distinct values, counts) pair: re-encode all batches' values, sum counts by code."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        if len(self._pending) == 1:
            return self._pending[0]
        encoded = pc.dictionary_encode(pa.concat_arrays([values for values, _ in self._pending]))
        counts = np.concatenate([counts.to_numpy() for _, counts in self._pending])
        summed = np.bincount(encoded.indices.to_numpy(), weights=counts, minlength=len(encoded.dictionary))
        return encoded.dictionary, pa.array(summed.astype(np.int64))

    def result(self) -> dict[str, Any]:
        import pyarrow as pa
        import pyarrow.compute as pc

        if not self._pending:
            return {"cardinality": 0, "top": []} if self._top else {"cardinality": 0}
        values, counts = self._merged()
        out: dict[str, Any] = {"cardinality": len(values)}
        if self._top:
            table = pa.table({"value": values, "count": counts}).filter(pc.greater_equal(counts, 2))
            keys = [("count", "descending"), ("value", "ascending")]
            out["top"] = []
            if table.num_rows:  # select_k_unstable refuses k=0 (no value repeats) on some pyarrow versions
                best = table.take(pc.select_k_unstable(table, k=min(self._top, table.num_rows), sort_keys=keys))
                best = best.sort_by(keys)
                top = zip(best.column("value").to_pylist(), best.column("count").to_pylist(), strict=True)
                out["top"] = [[_label(value), count] for value, count in top]
        if self._counts:
            out.update(_category_counts(values, counts, self._counts))
        return out


def _category_counts(values: pa.Array, counts: pa.Array, keep: int) -> dict[str, Any]:
    """The ``keep`` most frequent categories seen at least twice, and the count of all the others."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.table({"value": values, "count": counts}).filter(pc.greater_equal(counts, 2))
    keys = [("count", "descending"), ("value", "ascending")]
    best = table.sort_by(keys).slice(0, keep)
    pairs = zip(best.column("value").to_pylist(), best.column("count").to_pylist(), strict=True)
    listed = [[_label(v), int(c)] for v, c in pairs]
    total = int(pc.sum(counts).as_py() or 0)
    return {"counts": listed, "other": total - sum(c for _, c in listed)}


def _label(value: Any) -> Any:
    value = json_safe(value)
    return shorten(value) if isinstance(value, str) else value


class TemporalSummary:
    """Earliest and latest value of dates, times, timestamps and durations."""

    def __init__(self) -> None:
        self._min: Any = None
        self._max: Any = None

    def update(self, array: pa.Array, encoded: pa.DictionaryArray | None = None) -> None:
        """Fold in a batch of a temporal column."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.types as pat

        values = array.view(pa.int64()) if pat.is_duration(array.type) else array  # no min_max kernel for durations
        extremes = pc.min_max(values)
        low, high = (pa.scalar(extremes[key].as_py(), type=array.type).as_py() for key in ("min", "max"))
        if low is not None:
            self._min = low if self._min is None else min(self._min, low)
            self._max = high if self._max is None else max(self._max, high)

    def result(self) -> dict[str, Any]:
        safe: dict[str, Any] = json_safe({"min": self._min, "max": self._max})
        return safe
