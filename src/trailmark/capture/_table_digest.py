"""A content digest of an Arrow table that ignores chunking and memory layout.

Each column is reduced to three canonical byte streams, fed chunk by chunk so that chunk
boundaries cannot show:

- values: fixed-width values as little-endian bytes with null slots zeroed; booleans as
  one byte each; strings and binaries as their UTF-8/raw bytes back to back;
- lengths: for strings and binaries, each value's length as int64;
- nulls: the row numbers of null values as int64.

The digest is SHA-256 over a header (``trailmark-table-1``, the row count, and each
column's name and canonical type: string, large_string and string_view are all
``string``; a dictionary column is its value type) followed by the three SHA-256 digests
of each column, in column order. Row order matters; a changed cell changes the digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

VERSION = "trailmark-table-1"


def table_digest(table: pa.Table, *, extra: dict[str, Any] | None = None) -> str:
    """``sha256:<hex>`` of a (normalized) Arrow table's schema and content.

    ``extra`` (JSON-safe, such as an n-d array's shape) joins the header when given.
    """
    columns = [[field.name, canonical_type(field.type)] for field in table.schema]
    header: dict[str, Any] = {"rows": table.num_rows, "columns": columns}
    if extra:
        header.update(extra)
    outer = hashlib.sha256(f"{VERSION}\n{json.dumps(header, separators=(',', ':'))}\n".encode())
    for column in table.columns:
        outer.update(_ColumnHasher().feed(column).digest())
    return "sha256:" + outer.hexdigest()


def canonical_type(dtype: pa.DataType) -> str:
    """The type name the digest uses: physical variants of one logical type agree."""
    import pyarrow.types as pat

    if pat.is_dictionary(dtype):
        return canonical_type(dtype.value_type)
    if pat.is_string(dtype) or pat.is_large_string(dtype) or pat.is_string_view(dtype):
        return "string"
    if pat.is_binary(dtype) or pat.is_large_binary(dtype) or pat.is_binary_view(dtype):
        return "binary"
    if pat.is_list(dtype) or pat.is_large_list(dtype) or pat.is_list_view(dtype) or pat.is_large_list_view(dtype):
        return f"list<{canonical_type(dtype.value_type)}>"
    return str(dtype)


def _byte_width(dtype: pa.DataType) -> int:
    """Bytes per value of a flat fixed-width type, else 0."""
    import pyarrow.types as pat

    if pat.is_nested(dtype):
        return 0
    try:
        bits = dtype.bit_width
    except ValueError:
        return 0
    return bits // 8 if bits % 8 == 0 else 0


class _ColumnHasher:
    def __init__(self) -> None:
        self.values = hashlib.sha256()
        self.lengths = hashlib.sha256()
        self.nulls = hashlib.sha256()
        self.rows = 0

    def feed(self, column: pa.ChunkedArray) -> _ColumnHasher:
        for chunk in column.chunks:
            self._chunk(chunk)
            self.rows += len(chunk)
        return self

    def digest(self) -> bytes:
        return self.values.digest() + self.lengths.digest() + self.nulls.digest()

    def _chunk(self, chunk: pa.Array) -> None:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.types as pat

        if len(chunk) == 0:
            return
        if pat.is_dictionary(chunk.type):
            chunk = chunk.dictionary_decode()
        mask = None
        if chunk.null_count:
            mask = pc.is_null(chunk).to_numpy(zero_copy_only=False)
            self.nulls.update((np.flatnonzero(mask) + self.rows).astype("<i8").tobytes())
        kind = chunk.type
        if pat.is_string_view(kind) or pat.is_binary_view(kind):
            chunk = chunk.cast(pa.large_string() if pat.is_string_view(kind) else pa.large_binary())
            kind = chunk.type
        if pat.is_string(kind) or pat.is_large_string(kind) or pat.is_binary(kind) or pat.is_large_binary(kind):
            self._variable(chunk.fill_null(b"" if pat.is_binary(kind) or pat.is_large_binary(kind) else ""))
        elif pat.is_boolean(kind):
            self._fixed(chunk.cast(pa.uint8()), 1, mask)
        elif pat.is_null(kind):
            pass
        elif _byte_width(kind):
            self._fixed(chunk, _byte_width(kind), mask)
        else:
            for value in chunk.to_pylist():
                self.values.update(repr(value).encode() + b"\x1f")

    def _fixed(self, chunk: pa.Array, width: int, mask: np.ndarray | None) -> None:
        import numpy as np

        data = np.frombuffer(chunk.buffers()[1], dtype=np.uint8)
        data = data[chunk.offset * width : (chunk.offset + len(chunk)) * width]
        if mask is not None:
            data = data.reshape(len(chunk), width).copy()
            data[mask] = 0
        self.values.update(data.data)

    def _variable(self, chunk: pa.Array) -> None:
        import numpy as np
        import pyarrow.types as pat

        large = pat.is_large_string(chunk.type) or pat.is_large_binary(chunk.type)
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if large else np.int32)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
        self.lengths.update(np.diff(offsets).astype("<i8").tobytes())
        data = chunk.buffers()[2]
        if data is not None and len(offsets):
            self.values.update(memoryview(data)[int(offsets[0]) : int(offsets[-1])])
