"""In-memory tables (pandas, NumPy, Arrow) as one canonical Arrow table.

Canonical means: columns in order with string names, float NaN turned into null (pandas
treats NaN as missing, so a DataFrame and the Arrow table it came from describe alike), a
pandas index kept only when it is named. The digest and the statistics both read this form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trailmark.capture._lazy import module_root, require

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


@dataclass(frozen=True)
class Tabular:
    """An object as an Arrow table, with its format name and its own dtype names."""

    table: pa.Table
    format: str
    dtypes: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


def is_tabular(obj: object) -> bool:
    """Whether ``obj`` is an in-memory table or array this module converts."""
    name = type(obj).__name__
    root = module_root(obj)
    if root == "pandas":
        return name in ("DataFrame", "Series")
    if root == "numpy":
        return name == "ndarray"
    return root == "pyarrow" and (name in ("Table", "RecordBatch") or name.endswith("Array"))


def to_tabular(obj: Any) -> Tabular:
    """Convert a DataFrame, Series, ndarray, Arrow Table/RecordBatch/Array to a Tabular."""
    root = module_root(obj)
    if root == "pandas":
        return _from_pandas(obj)
    if root == "numpy":
        return _from_numpy(obj)
    pa = require("pyarrow")
    if isinstance(obj, pa.RecordBatch):
        table = pa.Table.from_batches([obj])
    elif isinstance(obj, (pa.Array, pa.ChunkedArray)):
        table = pa.table({"value": obj})
    else:
        table = obj
    table = normalize(table)
    return Tabular(table, "arrow", [str(t) for t in table.schema.types])


def normalize(table: pa.Table) -> pa.Table:
    """Unique column names (a repeated ``a`` becomes ``a.1``) and float NaN as null."""
    import pyarrow.compute as pc
    import pyarrow.types as pat

    if len(set(table.column_names)) < table.num_columns:
        table = table.rename_columns(unique_names(table.column_names))

    for index, column in enumerate(table.columns):
        if pat.is_floating(column.type) and pc.any(pc.is_nan(column)).as_py():
            table = table.set_column(index, table.field(index), pc.if_else(pc.is_nan(column), None, column))
    return table


def unique_names(names: list[str]) -> list[str]:
    """Names with repeats suffixed ``.1``, ``.2``... (as pandas reads a CSV header)."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, count = name, 0
        while candidate in seen:
            count += 1
            candidate = f"{name}.{count}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _from_pandas(obj: Any) -> Tabular:
    pa = require("pyarrow")
    pd = require("pandas")
    series = isinstance(obj, pd.Series)
    frame = obj.to_frame(name=obj.name if obj.name is not None else "value") if series else obj
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    names = unique_names([str(name) for name in frame.columns])
    dtypes = [str(dtype) for dtype in frame.dtypes]
    try:
        table = pa.Table.from_pandas(frame.set_axis(names, axis=1), preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        table = pa.table({name: _column(frame.iloc[:, i]) for i, name in enumerate(names)})
    table = table.replace_schema_metadata(None)
    return Tabular(normalize(table), "series" if series else "dataframe", dtypes)


def _from_numpy(array: np.ndarray) -> Tabular:
    pa = require("pyarrow")
    extra: dict[str, Any] = {"shape": list(array.shape)}
    if array.dtype.names:
        columns = {name: array[name] for name in array.dtype.names}
    elif array.ndim == 1:
        columns = {"value": array}
    elif array.ndim == 2:
        columns = {str(i): array[:, i] for i in range(array.shape[1])}
    else:
        columns = {"value": array.reshape(-1)}
    table = pa.table({name: _column(values) for name, values in columns.items()})
    dtypes = [str(values.dtype) for values in columns.values()]
    return Tabular(normalize(table), "ndarray", dtypes, extra)


def _column(values: Any) -> pa.Array:
    """One column as Arrow; mixed-type objects fall back to their text."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values) if isinstance(values, np.ndarray) else values
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    return pa.array([None if _missing(v) else str(v) for v in values], type=pa.large_string())


def _missing(value: Any) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and value != value
