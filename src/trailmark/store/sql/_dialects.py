"""The few SQL pieces that differ between SQLite and PostgreSQL, built from bound parameters only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Float, String, Text, bindparam, case, cast, extract, func, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY

_GLOB_LITERALS = {"*": "[*]", "?": "[?]", "[": "[[]"}


class JsonParts(NamedTuple):
    """Views of one JSON path; each is NULL when the path is missing or holds another type."""

    kind: ColumnElement[Any]  # the JSON type's name ("null" for a JSON null)
    text: ColumnElement[Any]  # a string value
    number: ColumnElement[Any]  # a number, as a float
    boolean: ColumnElement[Any]  # 'true' or 'false'


def json_parts(dialect: str, column: ColumnElement[Any], path: Sequence[str | int]) -> JsonParts:
    """Read ``column`` at ``path`` (keys, and integers for array positions).

    The path is one bound parameter: a text array on PostgreSQL (so any key is safe), a
    JSON path on SQLite (keys are double-quoted there, so they cannot hold '"').
    """
    if dialect == "postgresql":
        keys = bindparam(None, [str(k) for k in path], type_=ARRAY(Text))
        raw: ColumnElement[Any] = column.op("#>>", return_type=Text)(keys)
        kind = func.jsonb_typeof(column.op("#>")(keys))
        return JsonParts(
            kind,
            case((kind == "string", raw)),
            case((kind == "number", cast(raw, Float))),
            case((kind == "boolean", raw)),
        )
    where = bindparam(None, "$" + "".join(f"[{k}]" if isinstance(k, int) else f'."{k}"' for k in path), String)
    raw = func.json_extract(column, where)
    kind = func.json_type(column, where)
    return JsonParts(
        kind,
        case((kind == "text", raw)),
        case((kind.in_(("integer", "real")), cast(raw, Float))),
        case((kind.in_(("true", "false")), kind)),
    )


def like(dialect: str, column: ColumnElement[Any], pattern: str, *, case_sensitive: bool) -> ColumnElement[bool]:
    """SQL LIKE with ``%``, ``_`` and ``\\`` as the escape, case-sensitive alike on both databases.

    SQLite's LIKE ignores case, so a case-sensitive match there is the equivalent GLOB.
    """
    if not case_sensitive:
        return column.ilike(pattern, escape="\\")
    if dialect == "postgresql":
        return column.like(pattern, escape="\\")
    return column.op("GLOB", is_comparison=True)(_glob(pattern))


def _glob(pattern: str) -> str:
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(_GLOB_LITERALS.get(char, char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append({"%": "*", "_": "?"}.get(char) or _GLOB_LITERALS.get(char, char))
    return "".join(out)


def seconds_between(dialect: str, start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[Any]:
    """``end - start`` in seconds (NULL while ``end`` is NULL); milliseconds are the finest step on SQLite."""
    if dialect == "postgresql":
        return cast(extract("epoch", end - start), Float)
    return type_coerce((func.julianday(end) - func.julianday(start)) * 86400.0, Float)
