"""A parsed filter -> a SQLAlchemy boolean expression over one kind of node.

Every value is a bound parameter. Filters use two-valued logic: a comparison with a
missing value (a NULL column, an absent key, a JSON value of another type) is false, and
``not`` turns it true. Keyed fields (metrics, params, tags, classification) are ``EXISTS``
probes of their index tables, unless the query has joined that key already (see
:func:`guaranteed`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, exists, func, literal, not_, or_, select, true
from sqlalchemy.sql.expression import FromClause

from trailmark.errors import FilterSyntaxError, TrailmarkError
from trailmark.search import And, Comparison, Field, InList, IsNull, Lineage, Node, Not, Now, Or, Value, parse_datetime
from trailmark.store import _validate
from trailmark.store.sql._dialects import JsonParts, json_parts, like, seconds_between
from trailmark.store.sql._lineage import walk
from trailmark.store.sql._tables import (
    artifacts,
    classifications,
    context_members,
    contexts,
    events,
    executions,
    latest_metrics,
    params,
    projects,
    tags,
)

KINDS = ("artifacts", "executions", "models")
_EXECUTION_ONLY = {"status", "started", "ended", "duration", "env", "parent", "uid", "heartbeat", "resources",
                   "cached_from"}
_ARTIFACT_ONLY = {"version", "digest", "uri", "properties"}
_KEYED = {"metrics", "params", "tags", "classification"}
JOINABLE = {"metrics", "params", "tags"}  # one index row per node and key; a node may have many classifications
_TIMES = {"created", "started", "ended", "heartbeat"}
_NULLABLE = {"uri", "created_by", "ended", "duration", "properties", "env", "description", "heartbeat", "parent",
             "resources", "cached_from"}
_JSON = {"properties": artifacts.c.properties, "env": executions.c.environment, "resources": executions.c.resources}
_MEMBERSHIP = {"experiment": "Experiment", "context": None}  # in a context of that type (None: any) named...
_COLUMNS = {"heartbeat": "heartbeat_at", "parent": "parent_id", "ended": "ended_at", "started": "started_at"}
_STATUSES = ("RUNNING", "COMPLETE", "FAILED")
_LIFECYCLES = ("active", "deleted")
_OPERATORS = {"=": "__eq__", "!=": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}
# What each field holds, and so which literals it accepts.
_HOLDS = {"id": "number", "version": "number", "metrics": "number", "duration": "seconds", "params": "param",
          "properties": "json", "env": "json", "created": "time", "started": "time", "ended": "time",
          "heartbeat": "time", "resources": "json", "parent": "reference", "cached_from": "reference"}
_HINTS = {"text": "quote the value, as in {f} = 'x'", "number": "compare it with a number",
          "seconds": "compare it with seconds or a duration, as in duration > 5m",
          "param": "compare it with a string, a number or true/false",
          "json": "compare it with a string, a number or true/false",
          "reference": "compare it with a quoted reference, as in parent = 'exec:12'"}

Resolve = Callable[[str], int]
KeyedId = tuple[str, tuple[str | int, ...]]


def table_of(kind: str) -> Table:
    return executions if kind == "executions" else artifacts


def key_of(field: Field) -> KeyedId:
    """The index rows a keyed field reads: metrics.rmse, .min and .max share one."""
    return (field.name, field.key)


def guaranteed(node: Node | None) -> set[KeyedId]:
    """Joinable keyed fields every match has: those compared in a top-level ``and`` branch."""
    items = node.items if isinstance(node, And) else () if node is None else (node,)
    return {
        key_of(item.field)
        for item in items
        if (isinstance(item, (Comparison, InList)) or (isinstance(item, IsNull) and item.negated))
        and item.field.name in JOINABLE
    }


class Compiler:
    """Fields and filters of one kind on one dialect ("sqlite" or "postgresql").

    Args:
        now: the time ``now()`` stands for.
        resolve: reference text -> node id, for the lineage predicates.
        joined: index-table aliases the query already joins, by :func:`key_of`.
    """

    def __init__(self, kind: str, dialect: str, *, now: datetime, resolve: Resolve,
                 joined: Mapping[KeyedId, FromClause] | None = None) -> None:
        self.kind, self.dialect, self.now, self.resolve = kind, dialect, now, resolve
        self.table = table_of(kind)
        self.joined = dict(joined or {})

    def filter(self, node: Node | None) -> ColumnElement[bool]:
        if node is None:
            return true()
        if isinstance(node, And):
            return and_(*(self.filter(item) for item in node.items))
        if isinstance(node, Or):
            return or_(*(self.filter(item) for item in node.items))
        if isinstance(node, Not):
            return not_(self.filter(node.item))
        if isinstance(node, Lineage):
            return self._lineage(node)
        self.check(node.field)
        if isinstance(node, IsNull):
            return self._is_null(node.field, node.negated)
        if isinstance(node, InList):
            if node.field.name in _TIMES:
                parts = [self._compare(node.field, "!=" if node.negated else "=", v) for v in node.values]
                return and_(*parts) if node.negated else or_(*parts)
            if len({_category(v) for v in node.values}) > 1:
                raise _error(node.field, f"the IN list of '{node.field}' mixes values of different types")
            values = [self._typed(node.field, v, "=") for v in node.values]
            negated = node.negated
            return self._where(node.field, node.values[0], lambda c: c.not_in(values) if negated else c.in_(values))
        return self._compare(node.field, node.op, node.value)

    def check(self, field: Field) -> None:
        """Refuse a field that does not apply to this kind."""
        if self.kind != "executions" and field.name in _EXECUTION_ONLY:
            raise _error(field, f"field '{field}' applies to executions, not {self.kind}")
        if self.kind == "executions" and field.name in _ARTIFACT_ONLY:
            raise _error(field, f"field '{field}' applies to artifacts and models, not executions")

    def _compare(self, field: Field, op: str, value: Value) -> ColumnElement[bool]:
        if "like" in op:
            if _HOLDS.get(field.name, "text") not in ("text", "param", "json"):
                raise _error(field, f"{op.upper()} applies to text, and '{field}' is not text")
            pattern = cast(str, value)  # the parser lets only a 'quoted pattern' follow LIKE
            if (len(pattern) - len(pattern.rstrip("\\"))) % 2:
                raise _error(field, "a LIKE pattern cannot end with a lone '\\'")
            sensitive, negated = op in ("like", "not like"), op.startswith("not")

            def matches(column: ColumnElement[Any]) -> ColumnElement[bool]:
                found = like(self.dialect, column, pattern, case_sensitive=sensitive)
                return not_(found) if negated else found

            return self._where(field, value, matches)
        if field.name in _TIMES:
            return self._when(field, op, value)
        typed = self._typed(field, value, op)
        return self._where(field, value, lambda c: getattr(c, _OPERATORS[op])(typed))

    def _where(self, field: Field, value: Value, test: Callable[[ColumnElement[Any]], ColumnElement[bool]]
               ) -> ColumnElement[bool]:
        """``test`` applied to the field's value: inside an EXISTS for keyed fields, NULL-safe for others."""
        if field.name in _KEYED:
            alias, owned = self.source(field)
            predicate = test(_keyed_column(field, alias, value))
            if key_of(field) in self.joined:
                return predicate
            return exists(select(literal(1)).select_from(alias).where(owned, predicate))
        if field.name in _MEMBERSHIP:
            return self._member(field, test(contexts.c.name))
        column = self._column(field, value)
        return and_(column.is_not(None), test(column)) if field.name in _NULLABLE else test(column)

    def _is_null(self, field: Field, negated: bool) -> ColumnElement[bool]:
        if field.name in _KEYED:
            alias, owned = self.source(field)
            probe = exists(select(literal(1)).select_from(alias).where(owned))
            present: ColumnElement[bool] = true() if key_of(field) in self.joined else probe
        elif field.name in _MEMBERSHIP:
            present = self._member(field, true())
        elif field.name in _JSON:
            present = func.coalesce(self._json(field).kind, "null") != "null"
        elif field.name in _NULLABLE:
            present = self._column(field, None).is_not(None)
        else:
            present = true()
        return present if negated else not_(present)

    def _when(self, field: Field, op: str, value: Value) -> ColumnElement[bool]:
        """Times compare with instants; a bare date stands for its whole day (UTC)."""
        if isinstance(value, str):
            try:
                value = parse_datetime(value)
            except TrailmarkError as exc:  # a date past the years 1-9999 once in UTC
                raise _error(field, exc.message) from None
            except ValueError:
                raise _error(field, f"cannot read {value!r} as a date: use ISO 8601, as in '2026-05-01'") from None
        if isinstance(value, Now):
            value = _validate.shifted(self.now, value.offset)
        if not isinstance(value, date):
            raise _error(field, f"'{field}' is a time: compare it with a date, as in {field} > 2026-05-01")
        if isinstance(value, datetime):
            instant = value
            return self._where(field, value, lambda c: getattr(c, _OPERATORS[op])(instant))
        start = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
        end = start + timedelta(days=1)
        day = {"=": lambda c: and_(c >= start, c < end), "!=": lambda c: or_(c < start, c >= end),
               "<": lambda c: c < start, "<=": lambda c: c < end, ">": lambda c: c >= end, ">=": lambda c: c >= start}
        return self._where(field, value, day[op])

    def _lineage(self, node: Lineage) -> ColumnElement[bool]:
        try:
            start = self.resolve(node.ref)
        except TrailmarkError as exc:
            raise FilterSyntaxError(f"{node.function}('{node.ref}'): {exc} {_at(node.line, node.column)}",
                                    line=node.line, column=node.column) from None
        reached = walk(start, "downstream" if node.function == "derived_from" else "upstream", None)
        # Nested here, so several lineage predicates in one filter each get their own WITH.
        ids = select(reached.c.id).where(reached.c.id != start).add_cte(reached, nest_here=True)
        return self.table.c.id.in_(ids)

    def _typed(self, field: Field, value: Value, op: str) -> Any:
        """The literal as the field holds it, or an error that says what to write instead."""
        category, holds = _category(value), _HOLDS.get(field.name, "text")
        if op in ("<", "<=", ">", ">=") and category == "bool":
            raise _error(field, f"true and false cannot be compared with {op}")
        if holds == "seconds" and category in ("number", "duration"):
            return value.total_seconds() if isinstance(value, timedelta) else value
        if holds == category == "number":
            return value
        if holds == category == "text":
            if field.name == "status" and value not in _STATUSES:
                raise _error(field, f"unknown status {value!r}: use {', '.join(map(repr, _STATUSES))}")
            if field.name == "lifecycle" and value not in _LIFECYCLES:
                raise _error(field, f"unknown lifecycle {value!r}: use {', '.join(map(repr, _LIFECYCLES))}")
            return value
        if holds == "reference" and category == "number" and op in ("=", "!=") and isinstance(value, int):
            return value
        if holds == "reference" and category == "text" and op in ("=", "!="):
            return self._node_id(field, cast(str, value))  # the text category holds only str
        if holds in ("param", "json") and category in ("text", "number", "bool"):
            return ("true" if value else "false") if category == "bool" else value
        hint = _HINTS[holds].format(f=field)
        raise _error(field, f"'{field}' cannot be compared with {_DESCRIBE[category]}: {hint}")

    def _column(self, field: Field, value: Value | None) -> ColumnElement[Any]:
        """The SQL value of a plain field, or of a JSON field read as the literal's type."""
        if field.name in _JSON:
            parts = self._json(field)
            return {"number": parts.number, "bool": parts.boolean}.get(_category(value), parts.text)
        if field.name in _MEMBERSHIP:
            raise _error(field, f"'{field}' is a membership: filter on it, as in {field} = 'house-prices'")
        if field.name == "duration":
            return seconds_between(self.dialect, executions.c.started_at, executions.c.ended_at)
        if field.name == "project":
            project = projects.alias()  # not the projects table the outer query may join already
            return select(project.c.name).where(project.c.id == self.table.c.project_id).scalar_subquery()
        name = {"created": "started_at" if self.table is executions else "created_at",
                **_COLUMNS}.get(field.name, field.name)
        return self.table.c[name]

    def _json(self, field: Field) -> JsonParts:
        return json_parts(self.dialect, _JSON[field.name], field.key)

    def _member(self, field: Field, test: ColumnElement[bool]) -> ColumnElement[bool]:
        """The node is in a context (of the field's type) that passes ``test``."""
        owned = [context_members.c.node_id == self.table.c.id, contexts.c.id == context_members.c.context_id]
        context_type = _MEMBERSHIP[field.name]
        if context_type is not None:
            owned.append(contexts.c.type == context_type)
        return exists(select(literal(1)).select_from(context_members, contexts).where(*owned, test))

    def _node_id(self, field: Field, ref: str) -> int:
        try:
            return self.resolve(ref)
        except TrailmarkError as exc:
            raise _error(field, f"{field} = '{ref}': {exc}") from None

    def source(self, field: Field) -> tuple[FromClause, ColumnElement[bool]]:
        """A keyed field's index table (the joined alias or a fresh one) and what ties it to a row."""
        if field.name == "classification":  # the labels the node carries now, its own or propagated
            labels = classifications.alias()
            return labels, and_(labels.c.node_id == self.table.c.id, labels.c.removed_at.is_(None))
        name, (key,) = key_of(field)
        alias = self.joined.get(key_of(field))
        if name == "tags":
            alias = tags.alias() if alias is None else alias
            return alias, and_(alias.c.node_id == self.table.c.id, alias.c.key == key)
        alias = (latest_metrics if name == "metrics" else params).alias() if alias is None else alias
        return alias, and_(alias.c.execution_id == self.owner(), alias.c.key == key)

    def owner(self) -> ColumnElement[Any]:
        """The execution whose params and metrics a row has: itself, or the first that output the artifact."""
        if self.table is executions:
            return executions.c.id
        return (select(events.c.source_id).where(events.c.target_id == artifacts.c.id, events.c.kind == "OUTPUT")
                .order_by(events.c.id).limit(1).correlate(artifacts).scalar_subquery())

    def sort_columns(self, field: Field) -> list[tuple[ColumnElement[Any], bool]]:
        """The values a field sorts by, each with whether it can be NULL (params and JSON: numbers, then text)."""
        self.check(field)
        if field.name in _KEYED:
            alias, owned = self.source(field)
            joined = key_of(field) in self.joined
            columns = ([alias.c.value_num, alias.c.value_text] if field.name == "params"
                       else [_keyed_column(field, alias, 0.0)])
            if joined:
                return [(c, field.name == "params") for c in columns]
            # min(): a node may carry several classifications; every other key has one row
            return [(select(func.min(c)).select_from(alias).where(owned).scalar_subquery(), True) for c in columns]
        if field.name in _JSON:
            parts = self._json(field)
            return [(parts.number, True), (parts.text, True)]
        return [(self._column(field, None), field.name in _NULLABLE)]


def _keyed_column(field: Field, alias: FromClause, value: Value) -> ColumnElement[Any]:
    if field.name == "metrics":
        return alias.c[{"min": "min_value", "max": "max_value"}.get(field.aggregate or "", "value")]
    if field.name == "params":
        return alias.c.value_num if _category(value) == "number" else alias.c.value_text
    return alias.c.label if field.name == "classification" else alias.c.value


def _category(value: Value | None) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, timedelta):
        return "duration"
    return "time" if isinstance(value, (date, Now)) else "text"


_DESCRIBE = {"bool": "true/false", "number": "a number", "duration": "a duration", "time": "a date", "text": "a string"}


def _at(line: int, column: int) -> str:
    return f"at line {line}, column {column}" if line > 1 else f"at column {column}"


def _error(field: Field, message: str) -> FilterSyntaxError:
    return FilterSyntaxError(f"{message} {_at(field.line, field.column)}", line=field.line, column=field.column)
