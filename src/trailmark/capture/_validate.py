"""Data checks: a table and a dict of expectations in, a JSON-safe report out (no store involved).

Checks, each optional::

    {"schema": {"size": "float64", "city": "str"},   # column -> expected dtype
     "max_missing": {"bedrooms": 0.1},               # or one ratio for every column
     "ranges": {"size": (0, 10000)},                 # inclusive; None leaves a side open
     "unique": ["id"],                               # columns whose non-null values must not repeat
     "rows": (100, None)}                            # row count, inclusive; an int is a minimum

A list of one-entry dicts or of (check, spec) pairs is accepted too, read in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from trailmark.capture._jsonsafe import json_safe
from trailmark.capture._lazy import require
from trailmark.errors import ValidationError

_STRING_NAMES = frozenset({"str", "string", "object"})


def validate_data(data: Any, checks: Mapping[str, Any] | Iterable[Any]) -> dict[str, Any]:
    """Run ``checks`` on ``data`` (a DataFrame, or anything pandas turns into one).

    Returns ``{"passed", "rows", "columns", "checks": [...], "failures": [...]}``: one entry
    per column and check with ``passed``, the ``measured`` figure, what was ``expected``
    and, on failure, a ``message`` naming the column and the figure, such as
    ``"bedrooms: 12.5% missing, allowed 10.0%"``. Malformed checks raise
    ``ValidationError`` before anything is measured.
    """
    plan = _plan(checks)
    frame = _frame(data)
    results: list[dict[str, Any]] = []
    for name, spec in plan:
        results.extend(_CHECKS[name](frame, spec))
    failures = [r["message"] for r in results if not r["passed"]]
    return {
        "passed": not failures,
        "rows": len(frame),
        "columns": int(frame.shape[1]),
        "checks": results,
        "failures": failures,
    }


def _plan(checks: Any) -> list[tuple[str, Any]]:
    if isinstance(checks, Mapping):
        items = list(checks.items())
    elif isinstance(checks, Iterable) and not isinstance(checks, (str, bytes)):
        items = []
        for entry in checks:
            if isinstance(entry, Mapping):
                items.extend(entry.items())
            elif isinstance(entry, (tuple, list)) and len(entry) == 2:
                items.append((entry[0], entry[1]))
            else:
                raise ValidationError(f"each check must be a one-entry dict or a (check, spec) pair, got {entry!r}")
    else:
        raise ValidationError(f"checks must be a dict or a list, got {type(checks).__name__}")
    for name, spec in items:
        if name not in _CHECKS:
            raise ValidationError(f"unknown check {name!r}: use one of {', '.join(sorted(_CHECKS))}")
        _SHAPES[name](spec)
    return items


def _frame(data: Any) -> Any:
    pd = require("pandas")
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pd.Series):
        return data.to_frame()
    to_pandas = getattr(data, "to_pandas", None)
    if callable(to_pandas):  # Arrow tables and record batches
        return to_pandas()
    try:
        return pd.DataFrame(data)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"cannot validate a {type(data).__name__}: pass a DataFrame") from exc


# -- the checks: each takes the frame and its spec, and returns one result per column ----------------


def _result(check: str, column: str | None, passed: bool, measured: Any, expected: Any, message: str) -> dict[str, Any]:
    out = {"check": check, "column": column, "passed": bool(passed), "measured": json_safe(measured),
           "expected": json_safe(expected)}
    if not passed:
        out["message"] = message
    return out


def _absent(check: str, column: str, expected: Any) -> dict[str, Any]:
    return _result(check, column, False, None, expected, f"{column}: no such column")


def _schema(frame: Any, spec: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for column, expected in spec.items():
        if column not in frame.columns:
            out.append(_result("schema", column, False, None, expected,
                               f"{column}: no such column, expected {expected}"))
            continue
        actual = frame[column].dtype
        passed = _dtype_matches(actual, str(expected))
        out.append(_result("schema", column, passed, str(actual), expected,
                           f"{column}: dtype {actual}, expected {expected}"))
    return out


def _dtype_matches(actual: Any, expected: str) -> bool:
    pd = require("pandas")
    if str(actual) == expected:
        return True
    if expected in _STRING_NAMES:
        return bool(pd.api.types.is_string_dtype(actual)) and not isinstance(actual, pd.CategoricalDtype)
    try:
        return bool(pd.api.types.pandas_dtype(expected) == actual)
    except TypeError:
        return False


def _max_missing(frame: Any, spec: float | Mapping[str, float]) -> list[dict[str, Any]]:
    limits = {str(c): float(spec) for c in frame.columns} if isinstance(spec, (int, float)) else spec
    out = []
    for column, allowed in limits.items():
        if column not in frame.columns:
            out.append(_absent("max_missing", column, allowed))
            continue
        ratio = float(frame[column].isna().mean()) if len(frame) else 0.0
        out.append(_result("max_missing", column, ratio <= allowed, ratio, allowed,
                           f"{column}: {ratio:.1%} missing, allowed {float(allowed):.1%}"))
    return out


def _ranges(frame: Any, spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for column, (low, high) in spec.items():
        expected = [low, high]
        if column not in frame.columns:
            out.append(_absent("ranges", column, expected))
            continue
        values = frame[column].dropna()
        try:
            outside = (values < low) if low is not None else values.isna()
            if high is not None:
                outside = outside | (values > high)
            count = int(outside.sum())
        except TypeError:
            out.append(_result("ranges", column, False, None, expected,
                               f"{column}: dtype {frame[column].dtype} cannot be compared with {expected}"))
            continue
        lowest, highest = (values.min(), values.max()) if len(values) else (None, None)
        measured = {"min": lowest, "max": highest, "outside": count}
        bounds = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        out.append(_result("ranges", column, count == 0, measured, expected,
                           f"{column}: {count} value{'s' * (count != 1)} outside {bounds} "
                           f"(min {lowest}, max {highest})"))
    return out


def _unique(frame: Any, spec: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for column in spec:
        if column not in frame.columns:
            out.append(_absent("unique", column, True))
            continue
        repeats = int(frame[column].dropna().duplicated().sum())
        out.append(_result("unique", column, repeats == 0, {"duplicates": repeats}, True,
                           f"{column}: {repeats} duplicate value{'s' * (repeats != 1)}"))
    return out


def _rows(frame: Any, spec: Any) -> list[dict[str, Any]]:
    low, high = (spec, None) if isinstance(spec, int) else spec
    count = len(frame)
    passed = (low is None or count >= low) and (high is None or count <= high)
    bounds = f"at least {low}" if high is None else f"at most {high}" if low is None else f"between {low} and {high}"
    return [_result("rows", None, passed, count, [low, high], f"rows: {count}, expected {bounds}")]


# -- spec shapes, checked before any measuring -----------------------------------------------


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shape_schema(spec: Any) -> None:
    _need(isinstance(spec, Mapping) and all(isinstance(v, str) for v in spec.values()),
          f"schema must map column names to dtype names such as 'float64', got {spec!r}")


def _shape_missing(spec: Any) -> None:
    ratios = [spec] if _is_number(spec) else list(spec.values()) if isinstance(spec, Mapping) else None
    _need(ratios is not None and all(_is_number(r) and 0 <= r <= 1 for r in ratios),
          f"max_missing must be a ratio from 0 to 1, or a dict of them by column, got {spec!r}")


def _shape_ranges(spec: Any) -> None:
    _need(isinstance(spec, Mapping) and all(isinstance(b, (tuple, list)) and len(b) == 2 for b in spec.values()),
          f"ranges must map column names to (low, high) pairs, got {spec!r}")


def _shape_unique(spec: Any) -> None:
    _need(isinstance(spec, (list, tuple, set)) and all(isinstance(c, str) for c in spec),
          f"unique must be a list of column names, got {spec!r}")


def _shape_rows(spec: Any) -> None:
    pair = isinstance(spec, (tuple, list)) and len(spec) == 2 and all(b is None or _is_number(b) for b in spec)
    _need(pair or (isinstance(spec, int) and not isinstance(spec, bool)),
          f"rows must be a minimum or a (min, max) pair, got {spec!r}")


_CHECKS: dict[str, Callable[[Any, Any], list[dict[str, Any]]]] = {
    "schema": _schema,
    "max_missing": _max_missing,
    "ranges": _ranges,
    "unique": _unique,
    "rows": _rows,
}
_SHAPES: dict[str, Callable[[Any], None]] = {
    "schema": _shape_schema,
    "max_missing": _shape_missing,
    "ranges": _shape_ranges,
    "unique": _shape_unique,
    "rows": _shape_rows,
}
