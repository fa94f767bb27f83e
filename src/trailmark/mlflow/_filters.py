"""MLflow's run filter and order_by, translated into Trailmark's search language.

MLflow: ``metrics.rmse < 30000 and params.max_depth = '10' and tags."team" LIKE 'pri%'
and attributes.status IN ('FINISHED', 'FAILED')`` (clauses joined by AND only). The text
becomes the same filter in Trailmark's grammar, so runs are searched by the one SQL
search compiler (indexes, bound parameters), with MLflow's field names mapped:
run_name -> name, run_id -> uid, user_id -> created_by, start_time -> started,
end_time -> ended, status FINISHED -> COMPLETE, and the tags mlflow.runName, mlflow.user,
mlflow.parentRunId -> name, created_by, parent.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from trailmark.mlflow._errors import invalid

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")
    | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<op><=|>=|!=|<>|=|<|>)
    | (?P<paren>[(),])
    | (?P<word>[A-Za-z_][\w]*(?:\.(?:`[^`]+`|"[^"]+"|[\w.\-]+))?)
    )""",
    re.VERBOSE,
)
_ENTITIES = {
    "metric": "metrics", "metrics": "metrics", "param": "params", "params": "params", "parameter": "params",
    "parameters": "params", "tag": "tags", "tags": "tags", "attribute": "attributes", "attributes": "attributes",
    "attr": "attributes", "run": "attributes", "dataset": "datasets", "datasets": "datasets",
}
_ATTRIBUTES = {"run_name": "name", "run_id": "uid", "run_uuid": "uid", "user_id": "created_by", "status": "status",
               "start_time": "started", "created": "started", "created_time": "started", "end_time": "ended",
               "lifecycle_stage": "lifecycle"}
_TAG_FIELDS = {"mlflow.runName": "name", "mlflow.user": "created_by", "mlflow.parentRunId": "parent"}
_STATUS = {"FINISHED": "COMPLETE", "FAILED": "FAILED", "RUNNING": "RUNNING", "KILLED": "FAILED", "SCHEDULED": "RUNNING"}
_STRING_OPS = {"=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"}
_TIMES = {"started", "ended"}


def _tokens(text: str) -> list[tuple[str, str]]:
    found, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise invalid(f"Error on parsing filter '{text}': unexpected text at '{text[pos:pos + 20]}'")
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        pos = match.end()
    return found


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _unquote(token: str) -> str:
    body = token[1:-1].replace(token[0] * 2, token[0])  # SQL's doubled quote
    return re.sub(r"\\(.)", r"\1", body)


def _key(raw: str) -> str:
    if raw[:1] in "`\"" and raw[-1:] == raw[:1]:
        raw = raw[1:-1]
    return raw


def _field(name: str, key: str) -> str:
    plain = re.fullmatch(r"[\w\-]+", key) is not None
    return f"{name}.{key}" if plain else f"{name}.`{key}`"


def translate(text: str | None) -> str:
    """The Trailmark filter for an MLflow run filter ('' for none); INVALID_PARAMETER_VALUE if malformed."""
    if not text or not text.strip():
        return ""
    tokens = _tokens(text)
    clauses: list[str] = []
    i = 0
    while i < len(tokens):
        if clauses:
            if tokens[i][0] != "word" or tokens[i][1].upper() != "AND":
                raise invalid(f"Invalid clause(s) in filter string: '{tokens[i][1]}': MLflow filters join clauses "
                              "with AND")
            i += 1
        clause, i = _clause(tokens, i, text)
        clauses.append(clause)
    return " and ".join(clauses)


def _clause(tokens: list[tuple[str, str]], i: int, text: str) -> tuple[str, int]:
    if i >= len(tokens) or tokens[i][0] != "word":
        raise invalid(f"Invalid filter '{text}': expected an identifier such as metrics.rmse")
    ident = tokens[i][1]
    entity, _, raw_key = ident.partition(".")
    kind = _ENTITIES.get(entity.lower())
    if kind is None and not raw_key and ident in _ATTRIBUTES:
        kind, raw_key = "attributes", ident
    if kind is None or not raw_key:
        raise invalid(f"Invalid entity type '{entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', "
                      "'dataset']")
    key = _key(raw_key)
    i += 1
    if i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].upper() == "NOT":
        if i + 1 < len(tokens) and tokens[i + 1][1].upper() == "IN":
            op, i = "NOT IN", i + 2
        else:
            raise invalid(f"Invalid comparator after '{ident}' in filter '{text}'")
    elif i < len(tokens) and tokens[i][0] == "op":
        op, i = ("!=" if tokens[i][1] == "<>" else tokens[i][1]), i + 1
    elif i < len(tokens) and tokens[i][1].upper() in ("LIKE", "ILIKE", "IN"):
        op, i = tokens[i][1].upper(), i + 1
    else:
        raise invalid(f"Invalid comparator after '{ident}' in filter '{text}'")
    if op in ("IN", "NOT IN"):
        values, i = _list(tokens, i, text)
    else:
        if i >= len(tokens) or tokens[i][0] not in ("string", "number"):
            raise invalid(f"Expected a quoted string or a number after '{ident} {op}' in filter '{text}'")
        values, i = [tokens[i]], i + 1
    return _render(kind, key, op, values, ident), i


def _list(tokens: list[tuple[str, str]], i: int, text: str) -> tuple[list[tuple[str, str]], int]:
    if i >= len(tokens) or tokens[i] != ("paren", "("):
        raise invalid(f"While parsing a list in the query, expected a non-empty list of string values in '{text}'")
    values, i = [], i + 1
    while i < len(tokens) and tokens[i] != ("paren", ")"):
        if tokens[i][0] == "string":
            values.append(tokens[i])
        elif tokens[i] != ("paren", ","):
            raise invalid(f"While parsing a list in the query, expected string value, punctuation, or whitespace, "
                          f"but got {tokens[i][1]!r} in '{text}'")
        i += 1
    if i >= len(tokens) or not values:
        raise invalid(f"While parsing a list in the query, expected a non-empty list of string values in '{text}'")
    return values, i + 1


def _render(kind: str, key: str, op: str, values: list[tuple[str, str]], ident: str) -> str:
    if kind == "datasets":
        raise invalid(f"Filtering runs by {ident} is not supported by Trailmark yet: search the Dataset artifacts "
                      "with `trailmark search`")
    if kind == "metrics":
        if values[0][0] != "number" or op in ("IN", "NOT IN", "LIKE", "ILIKE"):
            raise invalid(f"Expected numeric value type for metric. Found {values[0][1]}")
        return f"{_field('metrics', key)} {op} {values[0][1]}"
    if kind == "attributes" and _ATTRIBUTES.get(key) in _TIMES:
        if values[0][0] != "number" or op not in ("=", "!=", "<", "<=", ">", ">="):
            raise invalid(f"Expected numeric value type for attribute '{key}' (milliseconds). Found {values[0][1]}")
        return _time_clause(_ATTRIBUTES[key], op, values[0][1])
    if any(token_kind != "string" for token_kind, _ in values):
        raise invalid(f"Expected a quoted string value for {kind[:-1]} '{key}' (e.g. 'my-value'). Got value "
                      f"{values[0][1]}")
    texts = [_unquote(v) for _, v in values]
    if kind == "params":
        field = _field("params", key)
    elif kind == "tags":
        field = _TAG_FIELDS.get(key) or _field("tags", key)
        if field == "parent":
            texts = [f"run:{t}" for t in texts]
    else:
        field = _ATTRIBUTES.get(key) or ""
        if not field:
            raise invalid(f"Invalid attribute key '{key}' specified. Valid keys are "
                          f"{sorted(_ATTRIBUTES)}")
        if field == "status":
            texts = [_STATUS.get(t.upper(), t) for t in texts]
    if op not in _STRING_OPS:
        raise invalid(f"Invalid comparator '{op}' not one of '{sorted(_STRING_OPS)}'")
    if op in ("IN", "NOT IN"):
        return f"{field} {op} ({', '.join(_quote(t) for t in texts)})"
    return f"{field} {op} {_quote(texts[0])}"


def _time_clause(field: str, op: str, number: str) -> str:
    when = datetime.fromtimestamp(float(number) / 1000, tz=timezone.utc)
    return f"{field} {op} {when.isoformat().replace('+00:00', 'Z')}"


def order(items: list[str] | None) -> list[str]:
    """Trailmark order_by for MLflow's (default: start_time DESC)."""
    found = []
    for item in items or []:
        parts = item.strip().rsplit(None, 1)
        direction = "asc"
        if len(parts) == 2 and parts[1].upper() in ("ASC", "DESC"):
            ident, direction = parts[0], parts[1].lower()
        else:
            ident = item.strip()
        entity, _, raw_key = ident.partition(".")
        kind = _ENTITIES.get(entity.lower())
        if kind is None and ident in _ATTRIBUTES:
            kind, raw_key = "attributes", ident
        key = _key(raw_key)
        if kind in ("metrics", "params", "tags"):
            found.append(f"{_field(kind, key)} {direction}")
        elif kind == "attributes" and key in _ATTRIBUTES:
            found.append(f"{_ATTRIBUTES[key]} {direction}")
        else:
            raise invalid(f"Invalid order_by clause '{item}'")
    return found or ["started desc"]
