"""describe_dataset on real frames, arrays, Arrow tables, files and directories."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from tests.capture.samples import in_subprocess, make_frame  # noqa: E402
from trailmark.capture import DatasetOptions, Description, _columns, _files, describe_dataset  # noqa: E402
from trailmark.errors import ValidationError  # noqa: E402
from trailmark.hashing import digest_directory  # noqa: E402


def small_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "bedrooms": [3.0, 2.0, None, 3.0, 3.0, 2.0],
        "size": [1000.0, 2000.0, 1000.0, 2000.0, 1000.0, 2000.0],
        "city": ["a", "b", "a", None, "a", "b"],
    })


def assert_json_plain(properties: dict) -> None:
    assert json.loads(json.dumps(properties, allow_nan=False)) == properties


def test_dataframe_profile() -> None:
    frame = small_frame()
    description = describe_dataset(frame)
    props = description.properties
    assert isinstance(description, Description) and description.uri is None
    assert description.digest.startswith("sha256:") and len(description.digest) == 71
    assert props["format"] == "dataframe"
    assert (props["rows"], props["columns"]) == (6, 3)
    assert props["schema"] == [{"name": "bedrooms", "dtype": "float64"}, {"name": "size", "dtype": "float64"},
                               {"name": "city", "dtype": str(frame["city"].dtype)}]
    assert props["missing"] == {"bedrooms": 1, "size": 0, "city": 1}
    assert props["duplicate_rows"] == 2 == frame.duplicated().sum()  # rows 4 and 5 repeat rows 0 and 1
    size = props["stats"]["size"]
    assert size["mean"] == pytest.approx(1500.0)
    assert size["std"] == pytest.approx(frame["size"].std())
    assert (size["min"], size["max"]) == (1000.0, 2000.0)
    assert [size["q25"], size["q50"], size["q75"]] == pytest.approx(frame["size"].quantile([0.25, 0.5, 0.75]).tolist())
    assert size["histogram"]["counts"] == np.histogram(frame["size"], bins=10)[0].tolist()
    assert props["stats"]["bedrooms"]["q50"] == 3.0
    assert size["quantiles"] == pytest.approx(np.quantile(frame["size"], np.linspace(0, 1, 101)).tolist())
    assert props["categorical"]["city"] == {"cardinality": 2, "top": [["a", 3], ["b", 2]],
                                            "counts": [["a", 3], ["b", 2]], "other": 0}
    assert props["bytes"] > 0
    assert_json_plain(props)


def test_statistics_agree_with_pandas_on_a_larger_frame() -> None:
    frame = make_frame(5000)
    props = describe_dataset(frame).properties
    for column in ("size", "rooms", "bedrooms"):
        stats, series = props["stats"][column], frame[column]
        assert stats["mean"] == pytest.approx(series.mean())
        assert stats["std"] == pytest.approx(series.std())
        assert stats["q75"] == pytest.approx(series.quantile(0.75))
        assert sum(stats["histogram"]["counts"]) == series.count()
    assert props["missing"]["bedrooms"] == frame["bedrooms"].isna().sum()
    assert props["categorical"]["flag"]["cardinality"] == 2
    assert props["duplicate_rows"] == frame.duplicated().sum()
    assert "approximate" not in props


def test_digest_is_stable_across_processes() -> None:
    assert in_subprocess("describe_dataset(make_frame()).digest") == describe_dataset(make_frame()).digest


def test_digest_ignores_memory_layout_and_chunking() -> None:
    frame = make_frame()
    digest = describe_dataset(frame).digest
    table = pa.Table.from_pandas(frame, preserve_index=False)
    rechunked = pa.Table.from_batches(table.to_batches(max_chunksize=77))
    assert rechunked.column(0).num_chunks > 1
    as_object = frame.astype({"city": object})
    as_category = frame.astype({"city": "category"})
    sliced = pd.concat([frame.iloc[:500], frame.iloc[500:]])  # new blocks, same index
    assert {describe_dataset(x).digest for x in (table, rechunked, as_object, as_category, sliced)} == {digest}


def test_array_digest_ignores_c_or_fortran_order() -> None:
    values = np.random.default_rng(1).normal(size=(300, 4))
    fortran = np.asfortranarray(values)
    assert not fortran.flags.c_contiguous
    assert describe_dataset(values).digest == describe_dataset(fortran).digest
    assert describe_dataset(values).digest == describe_dataset(pd.DataFrame(values)).digest


def test_a_changed_cell_changes_the_digest() -> None:
    frame = make_frame()
    digest = describe_dataset(frame).digest
    number, text, missing, reordered = frame.copy(), frame.copy(), frame.copy(), frame.iloc[::-1]
    number.loc[10, "size"] += 1e-9
    text.loc[10, "city"] = "west"
    missing.loc[10, "rooms"] = None
    renamed = frame.rename(columns={"size": "area"})
    retyped = frame.astype({"rooms": "float64"})
    variants = [number, text, missing, reordered, renamed, retyped]
    digests = {describe_dataset(v).digest for v in variants}
    assert digest not in digests and len(digests) == len(variants)


def test_null_and_empty_string_differ() -> None:
    with_null = pd.DataFrame({"s": ["a", None, "b"]})
    with_empty = pd.DataFrame({"s": ["a", "", "b"]})
    assert describe_dataset(with_null).digest != describe_dataset(with_empty).digest


def test_nan_counts_as_missing_in_arrays_and_arrow() -> None:
    values = np.array([[1.0, np.nan], [2.0, 3.0], [np.nan, np.nan]])
    props = describe_dataset(values).properties
    assert props["format"] == "ndarray" and props["shape"] == [3, 2]
    assert props["missing"] == {"0": 1, "1": 2}
    with_nan = pa.table({"x": pa.array([1.0, float("nan")])})
    with_null = pa.table({"x": pa.array([1.0, None])})
    assert describe_dataset(with_nan).properties["missing"] == {"x": 1}
    assert describe_dataset(with_nan).digest == describe_dataset(with_null).digest


def test_series_record_batch_and_nd_arrays() -> None:
    series = pd.Series([1, 2, 2], name="n")
    assert describe_dataset(series).properties["schema"] == [{"name": "n", "dtype": "int64"}]
    batch = pa.RecordBatch.from_pydict({"n": [1, 2, 2]})
    assert describe_dataset(batch).properties["format"] == "arrow"
    cube = np.arange(24.0).reshape(2, 3, 4)
    flat = np.arange(24.0)
    assert describe_dataset(cube).properties["shape"] == [2, 3, 4]
    assert describe_dataset(cube).digest != describe_dataset(flat).digest


def test_top_values_never_show_a_single_record() -> None:
    frame = pd.DataFrame({"id": [f"user-{i}" for i in range(50)], "group": ["x", "y"] * 25})
    categorical = describe_dataset(frame).properties["categorical"]
    assert categorical["id"] == {"cardinality": 50, "top": [], "counts": [], "other": 50}  # drift's counts too
    assert categorical["group"]["top"] == [["x", 25], ["y", 25]]


def test_options_turn_parts_off() -> None:
    frame = small_frame()
    bare = describe_dataset(frame, options=DatasetOptions(schema=False, stats=False, missing=False, duplicates=False))
    assert set(bare.properties) == {"format", "rows", "columns", "bytes"}
    assert bare.digest == describe_dataset(frame).digest
    lean = describe_dataset(frame, options=DatasetOptions(histogram_bins=0, top_values=0)).properties
    assert "histogram" not in lean["stats"]["size"] and "top" not in lean["categorical"]["city"]
    wide = describe_dataset(frame, options=DatasetOptions(histogram_bins=4, top_values=1)).properties
    assert len(wide["stats"]["size"]["histogram"]["counts"]) == 4 and wide["categorical"]["city"]["top"] == [["a", 3]]


def test_invalid_options_and_inputs_are_validation_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"histogram_bins"):
        describe_dataset(small_frame(), options=DatasetOptions(histogram_bins=-1))
    with pytest.raises(ValidationError, match=r"builtins\.dict"):
        describe_dataset({"a": [1, 2]})
    with pytest.raises(ValidationError, match=r"missing\.csv"):
        describe_dataset(tmp_path / "missing.csv")


def test_metadata_is_at_most_one_percent_of_a_megabyte_frame() -> None:
    frame = make_frame(60_000)
    props = describe_dataset(frame).properties
    assert props["bytes"] >= 1 << 20
    assert len(json.dumps(props)) <= 0.01 * props["bytes"]
    assert "truncated" not in props


def test_wide_frames_are_trimmed_to_the_budget() -> None:
    values = np.random.default_rng(3).normal(size=(80, 2000))  # 1.28 MB, 2000 columns
    props = describe_dataset(values).properties
    assert props["bytes"] >= 1 << 20
    assert len(json.dumps(props)) <= 0.01 * props["bytes"]
    assert props["truncated"][:2] == ["histogram", "quantiles"] and "schema" in props["truncated"]
    assert props["rows"] == 80 and props["columns"] == 2000
    assert props["schema"][:2] == [{"name": "0", "dtype": "float64"}, {"name": "1", "dtype": "float64"}]


def write_frame(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_file_digest_is_the_file_sha256_and_stats_match_memory(tmp_path: Path, suffix: str) -> None:
    frame = make_frame()
    path = write_frame(frame, tmp_path / f"houses{suffix}")
    description = describe_dataset(str(path))
    props = description.properties
    assert description.digest == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert description.uri == path.resolve().as_uri()
    assert props["format"] == suffix[1:] and props["bytes"] == path.stat().st_size
    assert props["rows"] == len(frame) and props["missing"]["bedrooms"] == frame["bedrooms"].isna().sum()
    in_memory = describe_dataset(frame).properties
    streamed, exact = props["stats"]["size"], in_memory["stats"]["size"]
    assert streamed.pop("histogram")["counts"] == exact.pop("histogram")["counts"]
    assert streamed == pytest.approx(exact)
    assert props["categorical"]["city"] == in_memory["categorical"]["city"]
    assert props["duplicate_rows"] == in_memory["duplicate_rows"]
    assert_json_plain(props)


def test_parquet_is_streamed_in_batches_with_exact_merges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = make_frame(5000)
    frame = pd.concat([frame, frame.iloc[:40]], ignore_index=True)  # 40 duplicates across batches
    path = write_frame(frame, tmp_path / "h.parquet")
    monkeypatch.setattr(_files, "PARQUET_ROWS", 700)
    batches = list(_files.iter_batches(_files.data_file(None, str(path), path.stat().st_size)))
    assert len(batches) > 5 and batches[-1][1] == path.stat().st_size
    props = describe_dataset(path).properties
    assert props["rows"] == 5040 and props["duplicate_rows"] == 40
    assert props["stats"]["size"]["mean"] == pytest.approx(frame["size"].mean())
    assert props["stats"]["size"]["std"] == pytest.approx(frame["size"].std())
    counts = frame["city"].value_counts()
    assert props["categorical"]["city"]["top"] == [[k, int(v)] for k, v in counts.items()]
    assert "approximate" not in props


def test_sampled_quantiles_are_flagged_approximate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = make_frame(20_000)
    path = write_frame(frame, tmp_path / "h.parquet")
    monkeypatch.setattr(_files, "PARQUET_ROWS", 2000)
    monkeypatch.setattr(_columns, "SAMPLE_CAP", 3000)
    props = describe_dataset(path).properties
    assert props["approximate"] is True
    size = props["stats"]["size"]
    assert size["count"] == 20_000 and size["mean"] == pytest.approx(frame["size"].mean())
    assert size["q50"] == pytest.approx(frame["size"].median(), rel=0.05)
    assert sum(size["histogram"]["counts"]) == pytest.approx(20_000, rel=0.1)


def test_csv_types_are_widened_when_later_blocks_disagree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["n,label"] + [f"{i},a" for i in range(2000)] + ["2.5,b", "oops,c"]
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(_files, "CSV_BLOCK", 1024)
    props = describe_dataset(path).properties
    assert props["rows"] == 2002
    assert props["categorical"]["n"]["cardinality"] == 2002  # read as text at the last level


def test_directory_of_files(tmp_path: Path) -> None:
    frame = make_frame(3000)
    root = tmp_path / "parts"
    root.mkdir()
    write_frame(frame.iloc[:1000], root / "part-0.parquet")
    write_frame(frame.iloc[1000:], root / "part-1.parquet")
    (root / "_SUCCESS").write_bytes(b"")
    description = describe_dataset(root)
    props = description.properties
    assert description.digest == digest_directory(root)
    assert props["format"] == "directory" and props["files"] == 3 and props["data_formats"] == ["parquet"]
    assert props["rows"] == 3000
    assert props["stats"]["rooms"]["mean"] == pytest.approx(frame["rooms"].mean())


def test_other_files_are_sized_and_digested(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"\x00" * 10)
    description = describe_dataset(path)
    assert description.properties == {"format": "file", "bytes": 10}
    assert description.digest == "sha256:" + hashlib.sha256(b"\x00" * 10).hexdigest()


def test_fsspec_uri(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    data = small_frame().to_csv(index=False).encode()
    fs = fsspec.filesystem("memory")
    fs.pipe("/tm-datasets/small.csv", data)
    try:
        description = describe_dataset("memory://tm-datasets/small.csv")
    finally:
        fs.rm("/tm-datasets", recursive=True)
    assert description.uri == "memory://tm-datasets/small.csv"
    assert description.digest == "sha256:" + hashlib.sha256(data).hexdigest()
    assert description.properties["rows"] == 6


def test_progress_bar_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_frame(make_frame(), tmp_path / "h.csv")
    describe_dataset(path, options=DatasetOptions(progress=True))
    describe_dataset(path)
    assert capsys.readouterr().out == ""


def test_importing_capture_imports_no_framework() -> None:
    script = (
        "import sys, trailmark.capture\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'sklearn', 'torch') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_string_column_without_repeated_values_has_no_top_values() -> None:
    # pyarrow refuses select_k_unstable(k=0): a column whose values never repeat once crashed here
    properties = describe_dataset(pd.DataFrame({"id": ["a", "b", "c"], "x": [1, 2, 3]})).properties
    assert properties["categorical"]["id"] == {"cardinality": 3, "top": [], "counts": [], "other": 3}
