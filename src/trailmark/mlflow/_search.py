"""``runs/search`` and ``experiments/search``: MLflow's filters, order and page tokens."""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from typing import Any

from trailmark.mlflow import _experiments
from trailmark.mlflow._errors import invalid
from trailmark.mlflow._filters import _key, _quote, _tokens, _unquote, order, translate
from trailmark.mlflow._json import page
from trailmark.mlflow._view import RunView, load
from trailmark.store._validate import MAX_LIMIT
from trailmark.store.sql._store import SqlStore

MAX_RUNS = 50_000
_VIEWS = {"ACTIVE_ONLY": "", "DELETED_ONLY": "lifecycle = 'deleted'", "ALL": "lifecycle IN ('active', 'deleted')",
          "1": "", "2": "lifecycle = 'deleted'", "3": "lifecycle IN ('active', 'deleted')"}


def _max_results(value: Any, default: int, most: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise invalid(f"Invalid value {value!r} for parameter 'max_results' supplied") from exc
    if not 1 <= number <= most:
        raise invalid(f"Invalid value {number} for parameter 'max_results' supplied. It must be at most {most}, "
                      "and at least 1.")
    return number


def search_runs(store: SqlStore, body: Mapping[str, Any]) -> tuple[list[RunView], str | None]:
    exp_ids = body.get("experiment_ids") or []
    if isinstance(exp_ids, str):
        exp_ids = [exp_ids]
    parts = []
    names = []
    for value in exp_ids:
        try:
            names.append(_experiments.row_by_id(store, value).name)
        except LookupError:
            continue  # MLflow's own store answers an unknown experiment with no runs
    if exp_ids:
        if not names:
            return [], None
        parts.append("(" + " or ".join(f"experiment = {_quote(n)}" for n in names) + ")")
    view = str(body.get("run_view_type") or "ACTIVE_ONLY")
    if view not in _VIEWS:
        raise invalid(f"Invalid value {view!r} for parameter 'run_view_type' supplied")
    if _VIEWS[view]:
        parts.append(_VIEWS[view])
    mlflow_filter = translate(body.get("filter"))
    if mlflow_filter:
        parts.append(f"({mlflow_filter})")
    wanted = _max_results(body.get("max_results"), 1000, MAX_RUNS)
    order_by = order(body.get("order_by"))
    token = body.get("page_token") or None
    ids: list[int] = []
    while True:
        found = store.search(" and ".join(parts), kind="executions", order_by=order_by,
                             limit=min(MAX_LIMIT, wanted - len(ids)), page_token=token)
        ids.extend(e.id for e in found.items)
        token = found.next_page_token
        if token is None or len(ids) >= wanted:
            break
    return load(store, ids), token


_COMPARATORS: dict[str, Any] = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
                                 ">": operator.gt, ">=": operator.ge, "LIKE": None, "ILIKE": None}
_EXPERIMENT_FIELDS = {"name", "creation_time", "last_update_time", "experiment_id"}


def search_experiments(store: SqlStore, body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    rows = _experiments.all_rows(store)
    tags = _experiments.tags_of(store, [r.id for r in rows])
    view = str(body.get("view_type") or "ACTIVE_ONLY")
    keep = {"ACTIVE_ONLY": {"active"}, "DELETED_ONLY": {"deleted"}, "ALL": {"active", "deleted"},
            "1": {"active"}, "2": {"deleted"}, "3": {"active", "deleted"}}.get(view)
    if keep is None:
        raise invalid(f"Invalid value {view!r} for parameter 'view_type' supplied")
    found = [_experiments.to_json(r, tags[r.id]) for r in rows if r.lifecycle in keep]
    for clause in filter_clauses(body.get("filter"), _EXPERIMENT_FIELDS):
        found = [e for e in found if matches(e, *clause)]
    for item in reversed(body.get("order_by") or ["creation_time DESC"]):
        field, _, direction = str(item).strip().partition(" ")
        field = field.split(".", 1)[-1]
        if field not in _EXPERIMENT_FIELDS:
            raise invalid(f"Invalid order_by entity: {item}")
        key = (lambda e, f=field: int(e[f]) if f == "experiment_id" else e[f])  # noqa: E731
        found.sort(key=key, reverse=direction.strip().upper() == "DESC")
    size = _max_results(body.get("max_results"), 1000, 50_000)
    return page(found, body.get("page_token"), size)


def filter_clauses(text: Any, fields: set[str]) -> list[tuple[str, str, str, Any]]:
    """``name LIKE 'x%' and tags.team = 'a'``: (kind, field, op, value) clauses joined by AND."""
    if not text or not str(text).strip():
        return []
    tokens = _tokens(str(text))
    clauses: list[tuple[str, str, str, Any]] = []
    i = 0
    while i < len(tokens):
        if clauses:
            if tokens[i][1].upper() != "AND":
                raise invalid(f"Invalid filter '{text}': clauses are joined with AND")
            i += 1
        if i + 2 >= len(tokens):
            raise invalid(f"Invalid filter '{text}'")
        ident, op, value = tokens[i][1], tokens[i + 1][1].upper(), tokens[i + 2]
        entity, _, key = ident.partition(".")
        kind = "tags" if entity.lower() in ("tag", "tags") else "attributes"
        field = _key(key) if key else entity
        if kind == "attributes" and field not in fields:
            raise invalid(f"Invalid attribute key '{field}' specified. Valid keys are {sorted(fields)}")
        if op not in _COMPARATORS:
            raise invalid(f"Invalid comparator '{tokens[i + 1][1]}' in filter '{text}'")
        literal = _unquote(value[1]) if value[0] == "string" else float(value[1])
        clauses.append((kind, field, op, literal))
        i += 3
    return clauses


def matches(experiment: dict[str, Any], kind: str, field: str, op: str, value: Any) -> bool:
    if kind == "tags":
        current = {t["key"]: t["value"] for t in experiment["tags"]}.get(field)
        if current is None:
            return op == "!="  # a missing tag differs from every value
    else:
        current = experiment[field]
    if op in ("LIKE", "ILIKE"):
        pattern = re.escape(str(value)).replace("%", ".*").replace("_", ".")
        return re.fullmatch(pattern, str(current), re.IGNORECASE if op == "ILIKE" else 0) is not None
    if isinstance(value, float):
        current = float(current)
    return bool(_COMPARATORS[op](current, value))
