"""Data checks: each check's pass, fail, figure and message; malformed checks refused up front."""

from __future__ import annotations

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

from trailmark.capture import validate_data  # noqa: E402
from trailmark.errors import ValidationError  # noqa: E402


@pytest.fixture
def frame():
    return pd.DataFrame({
        "id": [1, 2, 3, 4, 4, 6, 7, 8],
        "size": [1000.0, 1500.0, -5.0, 2000.0, 12000.0, 1800.0, 900.0, 1100.0],
        "bedrooms": [3.0, np.nan, 2.0, 4.0, 3.0, 3.0, 2.0, 3.0],
        "city": ["a", "b", "a", "c", "b", "a", "a", "b"],
    })


def test_all_checks_pass(frame):
    report = validate_data(frame, {
        "schema": {"size": "float64", "id": "int64", "city": "str"},
        "max_missing": {"bedrooms": 0.125},
        "ranges": {"bedrooms": (1, 5), "size": (None, None)},
        "unique": ["size"],
        "rows": (1, 10),
    })
    assert report["passed"] is True and report["failures"] == []
    assert (report["rows"], report["columns"]) == (8, 4)
    missing = next(c for c in report["checks"] if c["check"] == "max_missing")
    assert missing == {"check": "max_missing", "column": "bedrooms", "passed": True, "measured": 0.125,
                       "expected": 0.125}


def test_failures_name_the_column_and_the_figure(frame):
    report = validate_data(frame, {
        "schema": {"size": "int64", "zip": "str"},
        "max_missing": {"bedrooms": 0.1},
        "ranges": {"size": (0, 10000)},
        "unique": ["id"],
        "rows": (10, None),
    })
    assert report["passed"] is False
    assert report["failures"] == [
        "size: dtype float64, expected int64",
        "zip: no such column, expected str",
        "bedrooms: 12.5% missing, allowed 10.0%",
        "size: 2 values outside [0, 10000] (min -5.0, max 12000.0)",
        "id: 1 duplicate value",
        "rows: 8, expected at least 10",
    ]
    ranges = next(c for c in report["checks"] if c["check"] == "ranges")
    assert ranges["measured"] == {"min": -5.0, "max": 12000.0, "outside": 2}


def test_one_missing_ratio_for_every_column_and_a_list_of_checks(frame):
    report = validate_data(frame, [{"max_missing": 0.0}, ("rows", 8)])
    assert [c["column"] for c in report["checks"] if c["check"] == "max_missing"] == ["id", "size", "bedrooms", "city"]
    assert report["failures"] == ["bedrooms: 12.5% missing, allowed 0.0%"]


def test_dtype_aliases(frame):
    report = validate_data(frame, {"schema": {"size": "float", "id": "int", "city": "object"}})
    assert report["passed"], report["failures"]


@pytest.mark.parametrize(("checks", "message"), [
    ({"maximum_missing": 0.1}, "unknown check 'maximum_missing'"),
    ({"max_missing": 2}, "max_missing must be a ratio from 0 to 1"),
    ({"ranges": {"size": 5}}, "ranges must map column names to"),
    ({"unique": "id"}, "unique must be a list of column names"),
    ({"rows": "many"}, "rows must be a minimum or a"),
    ({"schema": ["size"]}, "schema must map column names to dtype names"),
    ("schema", "checks must be a dict or a list"),
])
def test_malformed_checks_are_refused(frame, checks, message):
    with pytest.raises(ValidationError, match=message):
        validate_data(frame, checks)


def test_incomparable_range_fails_with_a_message(frame):
    report = validate_data(frame, {"ranges": {"city": (0, 1)}})
    assert report["failures"] == [f"city: dtype {frame['city'].dtype} cannot be compared with [0, 1]"]
