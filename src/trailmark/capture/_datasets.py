"""describe_dataset: schema, size, missing values, duplicates, summaries and a digest."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from trailmark import hashing
from trailmark.capture._budget import fit_budget
from trailmark.capture._description import Description
from trailmark.capture._files import DataFile, data_file, iter_batches, widen
from trailmark.capture._lazy import require
from trailmark.capture._pii import detect_columns, withhold
from trailmark.capture._profile import DatasetOptions, TableProfile
from trailmark.capture._progress import progress_bar, wanted
from trailmark.capture._table_digest import table_digest
from trailmark.capture._tables import is_tabular, normalize, to_tabular
from trailmark.errors import ValidationError

__all__ = ["DatasetOptions", "describe_dataset"]


def describe_dataset(
    obj: Any, *, options: DatasetOptions | None = None, sensitive: Iterable[str] = ()
) -> Description:
    """Describe a dataset: an in-memory table or array, or a path or URI to data files.

    Accepts a pandas DataFrame or Series, a NumPy array, a pyarrow Table, RecordBatch or
    Array, or a path/URI (``str`` or ``Path``) to a CSV or Parquet file or a directory of
    them. Other files are digested and sized but not profiled.

    Columns found to hold personal data are listed in ``properties["pii"]`` (column ->
    kinds); those and the ``sensitive`` columns named here keep no raw value in the profile
    (they are listed in ``properties["sensitive"]``).
    """
    options = _checked(options or DatasetOptions())
    hidden = _column_names(sensitive)
    if is_tabular(obj):
        return _describe_table(obj, options, hidden)
    if isinstance(obj, (str, os.PathLike)):
        return _describe_location(os.fspath(obj), options, hidden)
    raise ValidationError(
        f"cannot describe a {type(obj).__module__}.{type(obj).__qualname__} as a dataset: expected a pandas "
        "DataFrame or Series, a NumPy array, a pyarrow Table, or a path to CSV or Parquet files"
    )


def _checked(options: DatasetOptions) -> DatasetOptions:
    for name in ("histogram_bins", "top_values", "quantiles", "category_counts"):
        value = getattr(options, name)
        if not isinstance(value, int) or value < 0:
            raise ValidationError(f"DatasetOptions.{name} must be a whole number >= 0, got {value!r}")
    return options


def _column_names(sensitive: Iterable[str]) -> list[str]:
    if isinstance(sensitive, str) or not all(isinstance(c, str) for c in sensitive):
        raise ValidationError(f"sensitive= takes a list of column names, got {sensitive!r}")
    return list(dict.fromkeys(sensitive))


def _protect(properties: dict[str, Any], pii: dict[str, list[str]], sensitive: list[str]) -> dict[str, Any]:
    """Withhold the values of personal and sensitive columns, and say which they are."""
    columns = {entry["name"] for entry in properties.get("schema", [])}
    unknown = [c for c in sensitive if columns and c not in columns]
    if unknown:
        raise ValidationError(f"sensitive= names no such column: {unknown} (columns: {sorted(columns)})")
    hidden = list(dict.fromkeys([*pii, *sensitive]))
    if not hidden:
        return properties
    out = withhold(properties, hidden)
    if pii:
        out["pii"] = pii
    out["sensitive"] = hidden
    return out


def _describe_table(obj: Any, options: DatasetOptions, sensitive: list[str]) -> Description:
    tabular = to_tabular(obj)
    profile = TableProfile(options, exact_rows=True)
    profile.add(tabular.table)
    data_bytes = tabular.table.nbytes
    properties = {"format": tabular.format, **tabular.extra, **profile.result(tabular.dtypes), "bytes": data_bytes}
    properties = _protect(properties, detect_columns(tabular.table), sensitive)
    shape = tabular.extra.get("shape", ())
    digest = table_digest(tabular.table, extra={"shape": shape} if len(shape) > 2 else None)
    return Description(digest, fit_budget(properties, data_bytes))


def _describe_location(location: str, options: DatasetOptions, sensitive: list[str]) -> Description:
    local = hashing.local_path(location)
    if local is None:
        fs, path = _remote(location)
        files = [data_file(fs, p, info.get("size") or 0) for p, info in sorted(fs.find(path, detail=True).items())]
        is_dir, uri = fs.isdir(path), location
        digest = hashing.digest_remote(location)
    else:
        if not local.exists():
            raise ValidationError(f"cannot describe dataset {location!r}: no such file or directory")
        is_dir, uri = local.is_dir(), local.resolve().as_uri()
        paths = sorted(p for p in local.rglob("*") if p.is_file()) if is_dir else [local]
        files = [data_file(None, str(p), p.stat().st_size) for p in paths]
        digest = hashing.digest_directory(local) if is_dir else hashing.digest_file(local)
    properties, pii = _profile_files(files, options, name=Path(location).name)
    properties = _protect(properties, pii, sensitive)
    if is_dir:
        formats = sorted({f.format for f in files if f.format})
        properties = {"format": "directory", "files": len(files), "data_formats": formats, **properties}
    else:
        properties = {"format": files[0].format or "file", **properties}
    return Description(digest, fit_budget(properties, properties["bytes"]), uri=uri)


def _remote(location: str) -> tuple[Any, str]:
    fsspec = require("fsspec")
    try:
        fs, path = fsspec.core.url_to_fs(location)
        if not fs.exists(path):
            raise ValidationError(f"cannot describe dataset {location!r}: nothing there")
    except (ImportError, ValueError, OSError) as exc:
        raise ValidationError(f"cannot read dataset {location!r}: {exc}") from exc
    return fs, path


def _profile_files(
    files: list[DataFile], options: DatasetOptions, *, name: str
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Stream every CSV/Parquet file into one profile, retrying CSV with wider column types.

    Returns the profile and the personal data found in the first batch (a sample).
    """
    import pyarrow as pa

    total = sum(f.size for f in files)
    readable = [f for f in files if f.format]
    if not readable:
        return {"bytes": total}, {}
    has_csv = any(f.format in ("csv", "tsv") for f in readable)
    error: Exception | None = None
    for csv_types in (None, widen(1), widen(2)) if has_csv else (None,):
        try:
            profile, pii = _stream(readable, options, total, name, csv_types)
            return {**profile.result(), "bytes": total}, pii
        except pa.ArrowInvalid as exc:
            error = exc
        except OSError as exc:
            raise ValidationError(f"cannot read dataset {name!r}: {exc}") from exc
    raise ValidationError(f"cannot read dataset {name!r}: {error}") from error


def _stream(
    files: list[DataFile], options: DatasetOptions, total: int, name: str, csv_types: Any
) -> tuple[TableProfile, dict[str, list[str]]]:
    import pyarrow as pa

    profile = TableProfile(options)
    pii: dict[str, list[str]] | None = None
    done = 0
    with progress_bar(f"capturing {name}", total, wanted(total, options.progress)) as advance:
        for file in files:
            for batch, consumed in iter_batches(file, csv_types=csv_types):
                table = normalize(pa.Table.from_batches([batch]))
                if pii is None:
                    pii = detect_columns(table)
                profile.add(table)
                advance(done + consumed)
            done += file.size
    return profile, pii or {}

