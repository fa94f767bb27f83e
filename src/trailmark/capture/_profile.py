"""A dataset profile built batch by batch: schema, rows, missing, duplicates, summaries."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trailmark.capture import _rowhash
from trailmark.capture._columns import CategoricalSummary, NumericSummary, TemporalSummary

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

Summary = NumericSummary | CategoricalSummary | TemporalSummary


@dataclass(frozen=True)
class DatasetOptions:
    """Which parts of a dataset to capture. Every part is on by default.

    ``histogram_bins=0`` drops histograms and ``top_values=0`` drops top values;
    ``quantiles`` (numbers: that many equal steps of the distribution) and ``category_counts``
    (the most frequent categories with their counts) are what drift monitoring compares; 0 drops them.
    ``progress`` forces the progress bar on or off (None: only on a terminal).
    """

    schema: bool = True
    stats: bool = True
    missing: bool = True
    duplicates: bool = True
    histogram_bins: int = 10
    top_values: int = 5
    quantiles: int = 100
    category_counts: int = 50
    progress: bool | None = None


def column_kind(dtype: pa.DataType) -> str:
    """numeric, categorical, temporal or other."""
    import pyarrow.types as pat

    if pat.is_dictionary(dtype):
        return "categorical"
    if pat.is_integer(dtype) or pat.is_floating(dtype) or pat.is_decimal(dtype):
        return "numeric"
    if pat.is_string(dtype) or pat.is_large_string(dtype) or pat.is_string_view(dtype) or pat.is_boolean(dtype):
        return "categorical"
    if pat.is_temporal(dtype):
        return "temporal"
    return "other"


PARALLEL_ROWS = 20_000
"""Batches of at least this many rows are profiled two columns at a time (numpy and Arrow release the GIL)."""


class TableProfile:
    """Fold batches of one dataset into its profile.

    ``exact_rows`` says every row arrives in a single batch, so duplicate detection may
    code strings by dictionary position instead of hashing them.
    """

    def __init__(self, options: DatasetOptions, *, exact_rows: bool = False) -> None:
        self.options = options
        self.rows = 0
        self._exact_rows = exact_rows
        self._types: dict[str, pa.DataType] = {}
        self._kinds: dict[str, str] = {}
        self._missing: dict[str, int] = {}
        self._summaries: dict[str, Summary] = {}
        self._row_hashes: list[np.ndarray] = []

    def add(self, batch: pa.Table) -> None:
        """Fold in one normalized batch of rows; columns are matched by name."""
        names = batch.schema.names  # unique: see _tables.normalize
        arrays = [_flat(batch.column(i)) for i in range(len(names))]
        if batch.num_rows >= PARALLEL_ROWS:
            with ThreadPoolExecutor(max_workers=2) as pool:  # columns are independent: two at a time
                codes = list(pool.map(self._column, names, arrays))
        else:  # starting the threads would cost more than they save
            codes = [self._column(name, array) for name, array in zip(names, arrays, strict=True)]
        column_codes = [c for c in codes if c is not None]
        if column_codes and batch.num_rows:
            self._row_hashes.append(_rowhash.row_hashes(column_codes))
        self.rows += batch.num_rows

    def _column(self, name: str, array: pa.Array) -> np.ndarray | None:
        """Profile one column of a batch; return its row codes when duplicates are wanted."""
        kind = column_kind(array.type)
        if name not in self._types:
            self._types[name], self._kinds[name] = array.type, kind
            self._missing[name] = 0
        elif self._kinds[name] != kind:
            self._kinds[name] = "mixed"
            self._summaries.pop(name, None)
        self._missing[name] += array.null_count
        summarise = self.options.stats and self._kinds[name] == kind
        encoded = None
        if kind == "categorical" and (summarise or self.options.duplicates):
            encoded = _encode(array)
        if summarise and kind != "other":
            if name not in self._summaries:
                self._summaries[name] = self._new_summary(kind)
            self._summaries[name].update(array, encoded)
        if not self.options.duplicates:
            return None
        if encoded is not None:
            return _rowhash.dictionary_codes(encoded, exact=self._exact_rows)
        return _rowhash.repr_codes(array) if kind == "other" else _rowhash.value_codes(array)

    def _new_summary(self, kind: str) -> Summary:
        if kind == "numeric":
            return NumericSummary(self.options.histogram_bins, quantiles=self.options.quantiles)
        if kind == "categorical":
            return CategoricalSummary(self.options.top_values, counts=self.options.category_counts)
        return TemporalSummary()

    def result(self, dtypes: list[str] | None = None) -> dict[str, Any]:
        """The profile as properties; ``dtypes`` overrides the Arrow type names in the schema."""
        names = list(self._types)
        out: dict[str, Any] = {"rows": self.rows, "columns": len(names)}
        if self.options.schema:
            types = dtypes if dtypes is not None else [str(t) for t in self._types.values()]
            out["schema"] = [{"name": n, "dtype": t} for n, t in zip(names, types, strict=False)]
        if self.options.missing:
            out["missing"] = dict(self._missing)
        if self.options.duplicates:
            out["duplicate_rows"] = self._duplicates()
        if self.options.stats:
            results = {name: summary.result() for name, summary in self._summaries.items()}
            out["stats"] = {n: r for n, r in results.items() if self._kinds[n] in ("numeric", "temporal")}
            out["categorical"] = {n: r for n, r in results.items() if self._kinds[n] == "categorical"}
            if any(isinstance(s, NumericSummary) and s.approximate for s in self._summaries.values()):
                out["approximate"] = True
        return out

    def _duplicates(self) -> int:
        import numpy as np

        if not self._row_hashes:
            return 0
        hashes = np.sort(np.concatenate(self._row_hashes))
        return int(np.count_nonzero(hashes[1:] == hashes[:-1]))


def _flat(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    import pyarrow as pa

    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _encode(array: pa.Array) -> pa.DictionaryArray:
    """Dictionary-encode a categorical column (re-encoding a dictionary column's values)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.types as pat

    if pat.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pat.is_string(array.type) or pat.is_string_view(array.type):
        array = array.cast(pa.large_string())
    return pc.dictionary_encode(array)
