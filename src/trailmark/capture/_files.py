"""Data files, local or behind fsspec, read as a stream of Arrow record batches.

CSV files go through ``pyarrow.csv.open_csv`` and Parquet files through
``ParquetFile.iter_batches``, so memory stays bounded by one batch whatever the file size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

PARQUET_ROWS = 1 << 18
CSV_BLOCK = 16 << 20
_FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet"}
_COMPRESSION = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4"}


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: where it is, its size, and how to read it."""

    fs: Any  # an fsspec filesystem, or None for a local path
    path: str
    size: int
    format: str | None  # csv, tsv, parquet, or None for any other file
    compression: str | None = None


def data_file(fs: Any, path: str, size: int) -> DataFile:
    """Describe a file by its name: ``x.csv.gz`` is gzip-compressed CSV."""
    suffixes = [s.lower() for s in PurePosixPath(path).suffixes]
    compression = _COMPRESSION.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    fmt = _FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt == "parquet" and compression:
        fmt = None
    return DataFile(fs, path, size, fmt, compression)


def widen(level: int) -> Callable[[pa.Schema], dict[str, pa.DataType]]:
    """CSV column types to retry with after a type inferred from the first block broke.

    Level 1 reads integers and all-empty columns as float64; level 2 reads everything
    that is not text as text.
    """

    def types(schema: pa.Schema) -> dict[str, pa.DataType]:
        import pyarrow as pa
        import pyarrow.types as pat

        if level == 1:
            return {f.name: pa.float64() for f in schema if pat.is_integer(f.type) or pat.is_null(f.type)}
        return {f.name: pa.large_string() for f in schema if not (pat.is_string(f.type) or pat.is_large_string(f.type))}

    return types


def iter_batches(
    file: DataFile, *, csv_types: Callable[[pa.Schema], dict[str, pa.DataType]] | None = None
) -> Iterator[tuple[pa.RecordBatch, int]]:
    """Yield (batch, bytes of the file consumed so far) for a CSV or Parquet file.

    ``csv_types`` maps the schema inferred from a CSV file's first block to column types
    to force instead (see ``widen``).
    """
    import pyarrow.csv as pcsv

    if file.format == "parquet":
        with _open(file) as raw:
            yield from _parquet(raw, file.size)
        return
    read = pcsv.ReadOptions(block_size=CSV_BLOCK)
    parse = pcsv.ParseOptions(delimiter="\t" if file.format == "tsv" else ",")
    convert = pcsv.ConvertOptions()
    if csv_types is not None:
        with _open(file) as raw:
            inferred = pcsv.open_csv(_decompressed(raw, file), read_options=read, parse_options=parse).schema
        convert = pcsv.ConvertOptions(column_types=csv_types(inferred))
    with _open(file) as raw:
        stream = _decompressed(raw, file)
        reader = pcsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
        # The reader reads far ahead, so the file position says little; each batch is one
        # block of (decompressed) text, which is what progress counts instead.
        for blocks, batch in enumerate(reader, start=1):
            yield batch, min(blocks * CSV_BLOCK, file.size)


def _open(file: DataFile) -> pa.NativeFile:
    import pyarrow as pa

    return pa.OSFile(file.path) if file.fs is None else pa.PythonFile(file.fs.open(file.path, "rb"), mode="r")


def _decompressed(raw: pa.NativeFile, file: DataFile) -> pa.NativeFile:
    import pyarrow as pa

    return pa.CompressedInputStream(raw, file.compression) if file.compression else raw


def _parquet(raw: pa.NativeFile, size: int) -> Iterator[tuple[pa.RecordBatch, int]]:
    import pyarrow.parquet as pq

    reader = pq.ParquetFile(raw)
    total, done = max(reader.metadata.num_rows, 1), 0
    for batch in reader.iter_batches(batch_size=PARQUET_ROWS):
        done += batch.num_rows
        yield batch, size * done // total
