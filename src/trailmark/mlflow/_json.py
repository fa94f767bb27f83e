"""Small conversions between MLflow's JSON and Trailmark's values."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from trailmark.mlflow._errors import invalid


def millis(when: datetime | None) -> int | None:
    return None if when is None else int(round(when.timestamp() * 1000))


def from_millis(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise invalid(f"Invalid value {value!r} for parameter '{field}' supplied: expected milliseconds") from exc


def tag_list(tags: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"key": k, "value": str(v)} for k, v in tags.items()]


def tag_dict(items: Any, field: str = "tags") -> dict[str, str]:
    """``[{"key", "value"}]`` as a dict; INVALID_PARAMETER_VALUE for anything else."""
    if items is None:
        return {}
    if not isinstance(items, list):
        raise invalid(f"Invalid value {items!r} for parameter '{field}' supplied: expected a list")
    found: dict[str, str] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise invalid(f"Invalid value {item!r} for parameter '{field}' supplied: expected {{key, value}}")
        found[item["key"]] = "" if item.get("value") is None else str(item["value"])
    return found


def param_text(value: Any) -> str:
    """A Trailmark param value as MLflow's string."""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_token(token: Any) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(str(token).encode()))["offset"]
    except (ValueError, KeyError, TypeError) as exc:
        raise invalid(f"Invalid page token, could not base64-decode: {token!r}") from exc
    if not isinstance(offset, int) or offset < 0:
        raise invalid(f"Invalid page token: {token!r}")
    return offset


def page(items: list[Any], token: Any, max_results: int) -> tuple[list[Any], str | None]:
    start = decode_token(token)
    chosen = items[start : start + max_results]
    more = start + max_results < len(items)
    return chosen, encode_token(start + max_results) if more else None


def first(values: Iterable[Any]) -> Any:
    return next(iter(values), None)
