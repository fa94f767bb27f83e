"""Search: one filter language over artifacts, executions and models, with keyset pages.

A page is fetched with ``ORDER BY <sort keys>, id LIMIT n + 1``; its token holds the last
row's sort values, and the next page starts strictly after them, so rows added meanwhile
neither repeat nor shift a page. NULL sort values come last in either direction, on both
databases.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, and_, bindparam, false, or_

from trailmark.entities import Page
from trailmark.errors import ValidationError
from trailmark.refs import parse_ref
from trailmark.search import And, Field, IsNull, Node, names_field, parse, parse_order
from trailmark.store import _validate
from trailmark.store.sql import _keys
from trailmark.store.sql._artifacts import artifact_query, to_artifact
from trailmark.store.sql._decoded_rows import decoded_rows
from trailmark.store.sql._executions import execution_query, to_execution
from trailmark.store.sql._filters import JOINABLE, KINDS, Compiler, KeyedId, guaranteed, key_of, table_of
from trailmark.store.sql._refs import resolve
from trailmark.store.sql._tables import artifacts, latest_metrics, params, tags

_BAD_TOKEN = "invalid page token: pass the next_page_token of the previous page of the same search"
DEFAULT_ORDER = ("created desc",)
_INDEX_TABLES = {"metrics": latest_metrics, "params": params, "tags": tags}

SortKey = tuple[ColumnElement[Any], bool, bool]  # (value, descending, nullable)


def search(
    conn: Connection,
    *,
    project_id: int,
    filter: str,
    kind: str,
    order_by: Sequence[str] | None,
    limit: int,
    page_token: str | None,
    now: datetime,
    include_deleted: bool = False,
) -> Page[Any]:
    """One page of the artifacts, executions or models of a project that match ``filter``.

    When the first sort key is a metric, param or tag that not every match has, the
    matches that have it are read first (walking that key's index in order), then those
    that do not: the same order as NULLS LAST, without sorting every match.

    Raises:
        FilterSyntaxError: the filter or an ``order_by`` item does not parse or apply to ``kind``.
        ValidationError: a bad kind, limit or page token.
    """
    if kind not in KINDS:
        raise ValidationError(f"unknown search kind {kind!r}: use {', '.join(KINDS)}")
    _validate.limit(limit)
    if isinstance(order_by, str):
        order_by = [order_by]
    tree = parse(filter or "")
    hide_deleted = not include_deleted and not names_field(tree, "lifecycle")
    orders = [parse_order(item) for item in (order_by or DEFAULT_ORDER)]
    fingerprint = _fingerprint(kind, filter or "", [f"{f} {'desc' if d else 'asc'}" for f, d in orders], project_id)
    key = _keys.signing(conn)
    phase, after = (0, None) if page_token is None else _decode(page_token, fingerprint, key)

    first = orders[0][0]
    phases = [(tree, orders)]
    if first.name in JOINABLE and key_of(first) not in guaranteed(tree):
        phases = [(_both(tree, IsNull(first, negated=True)), orders), (_both(tree, IsNull(first)), orders[1:])]
    if not 0 <= phase < len(phases):
        raise ValidationError(_BAD_TOKEN)
    found: list[tuple[int, Any]] = []
    for index in range(phase, len(phases)):
        part, part_orders = phases[index]
        rows = _fetch(conn, project_id, kind, part, part_orders, orders[-1][1],
                      after if index == phase else None, limit + 1 - len(found), now, hide_deleted)
        found += [(index, row) for row in rows]
        if len(found) > limit:
            break

    convert = to_artifact if table_of(kind) is artifacts else to_execution
    token = None
    if len(found) > limit:
        last_phase, last = found[limit - 1]
        token = _encode(fingerprint, last_phase, [v for k, v in last.items() if k.startswith("_sort")], key)
    return Page(items=[convert(row) for _, row in found[:limit]], next_page_token=token)


def _fetch(conn: Connection, project_id: int, kind: str, tree: Node | None, orders: list[tuple[Field, bool]],
           tiebreak_desc: bool, after: list[Any] | None, limit: int, now: datetime,
           hide_deleted: bool = True) -> list[dict[str, Any]]:
    """Rows matching ``tree`` in ``orders`` (then id), starting after the sort values ``after``."""
    compiler = _compiler(conn, project_id, kind, tree, [field for field, _ in orders], now)
    sort = _sort_keys(compiler, orders, tiebreak_desc)
    table = table_of(kind)
    query = artifact_query() if table is artifacts else execution_query()
    for field in {key_of(f): f for f, _ in orders if key_of(f) in compiler.joined}.values():
        query = query.join(*compiler.source(field))
    query = query.where(table.c.project_id == project_id, compiler.filter(tree))
    if kind == "models":
        query = query.where(artifacts.c.type == "Model")
    if hide_deleted:  # soft-deleted nodes only when asked for, or when the filter names lifecycle
        query = query.where(table.c.lifecycle == "active")
    if after is not None:
        if len(after) != len(sort):
            raise ValidationError(_BAD_TOKEN)
        query = query.where(_after(sort, after))
    labels = [value.label(f"_sort{i}") for i, (value, _, _) in enumerate(sort)]
    ordering = (_ordering(label, key) for label, key in zip(labels, sort, strict=True))
    query = query.add_columns(*labels).order_by(*ordering)
    return decoded_rows(conn, query.limit(limit))


def _both(tree: Node | None, extra: Node) -> Node:
    if tree is None:
        return extra
    return And((*tree.items, extra)) if isinstance(tree, And) else And((tree, extra))


def _compiler(
    conn: Connection, project_id: int, kind: str, tree: Node | None, sort_fields: list[Field], now: datetime
) -> Compiler:
    """A compiler that joins the index rows of the sort fields every match has, so that
    the database can walk their (key, value) index in order instead of sorting."""
    every_match_has = guaranteed(tree)
    joined: dict[KeyedId, FromClause] = {}
    for field in sort_fields:
        key = key_of(field)
        if key in every_match_has and key not in joined:
            joined[key] = _INDEX_TABLES[key[0]].alias(f"_sorted{len(joined)}")
    return Compiler(
        kind,
        conn.dialect.name,
        now=now,
        resolve=lambda text: resolve(conn, project_id, parse_ref(text))[1],
        joined=joined,
    )


def _sort_keys(compiler: Compiler, orders: list[tuple[Field, bool]], descending: bool) -> list[SortKey]:
    keys: list[SortKey] = []
    for field, desc in orders:
        keys.extend((value, desc, nullable) for value, nullable in compiler.sort_columns(field))
    if not any(field.name == "id" for field, _ in orders):
        keys.append((compiler.table.c.id, descending, False))  # a unique tiebreaker, in the last key's direction
    return keys


def _ordering(label: ColumnElement[Any], key: SortKey) -> ColumnElement[Any]:
    _, descending, nullable = key
    ordered = label.desc() if descending else label.asc()
    return ordered.nulls_last() if nullable else ordered


def _after(sort: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    """Rows that sort strictly after ``values``, with NULLs last in either direction."""
    branches = []
    for i, ((column, descending, nullable), value) in enumerate(zip(sort, values, strict=True)):
        if value is None:
            continue  # within this column nothing sorts after a NULL; later columns decide
        bound = bindparam(None, value, type_=column.type)
        beyond = column < bound if descending else column > bound
        if nullable:
            beyond = or_(beyond, column.is_(None))
        earlier = [_same(c, v) for (c, _, _), v in zip(sort[:i], values[:i], strict=True)]
        branches.append(and_(*earlier, beyond))
    condition = or_(*branches) if branches else false()
    first, descending, nullable = sort[0]
    if values[0] is not None and not nullable:
        # Redundant, but lets the database range-scan an index on the first key.
        start = bindparam(None, values[0], type_=first.type)
        condition = and_(first <= start if descending else first >= start, condition)
    return condition


def _same(column: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == bindparam(None, value, type_=column.type)


def _fingerprint(kind: str, filter: str, orders: list[str], project_id: int) -> str:
    text = json.dumps([kind, filter, orders, project_id])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode(fingerprint: str, phase: int, values: list[Any], key: bytes) -> str:
    """The token: base64 of the position, a dot, and its HMAC under the store's key (so it cannot be forged)."""
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    data = json.dumps({"f": fingerprint, "p": phase, "k": plain}, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(data).decode().rstrip("=")
    return f"{body}.{_signature(body, key)}"


def _signature(body: str, key: bytes) -> str:
    return hmac.new(key, b"trailmark-page:" + body.encode(), hashlib.sha256).hexdigest()[:32]


def _decode(token: str, fingerprint: str, key: bytes) -> tuple[int, list[Any]]:
    """(phase, sort values) of a token made by :func:`_encode` for this same search."""
    if not isinstance(token, str) or not token.isascii():  # compare_digest refuses other text with a TypeError
        raise ValidationError(_BAD_TOKEN)
    body, _, signature = token.rpartition(".")
    if not hmac.compare_digest(signature, _signature(body, key)):
        raise ValidationError(_BAD_TOKEN)
    token = body
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        found, phase, keys = data["f"], data["p"], data["k"]
    except (binascii.Error, ValueError, TypeError, KeyError, IndexError) as exc:
        raise ValidationError(_BAD_TOKEN) from exc
    if found != fingerprint:
        raise ValidationError(
            "this page token belongs to another search (a different filter, kind or order): "
            "repeat the search without a token"
        )
    try:
        if not isinstance(keys, list) or isinstance(phase, bool) or not isinstance(phase, int):
            raise TypeError("malformed token")
        return phase, [_value(v) for v in keys]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValidationError(_BAD_TOKEN) from exc


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return datetime.fromisoformat(value["t"])
    if value is not None and not isinstance(value, (int, float, str)):
        raise TypeError(f"unexpected sort value {value!r}")
    return value
