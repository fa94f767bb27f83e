"""Checks on arguments, made once above the backends so every backend rejects alike."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from trailmark.entities import Status
from trailmark.errors import ValidationError

_NAME = re.compile(r"^[^\s@:/\x00][^\s@\x00]*$")
_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
MAX_NAME = 300
MAX_SHORT_NAME = 200
MAX_LABEL = 100
MAX_STEP = 2**63 - 1
MAX_DEPTH = 1_000_000
MAX_KEY = 250


def type_name(value: Any, what: str = "type") -> str:
    if not isinstance(value, str) or not _TYPE.match(value) or len(value) > 100:
        raise ValidationError(f"invalid {what} {value!r}: use letters, digits, '_' or '-', starting with a letter")
    return value


def node_name(value: Any, what: str = "name", *, max_length: int = MAX_NAME) -> str:
    if not isinstance(value, str) or not _NAME.match(value) or len(value) > max_length:
        raise ValidationError(
            f"invalid {what} {value!r}: a name is 1-{max_length} characters without spaces or '@', "
            "not starting with ':' or '/'"
        )
    return value


def project_name(value: Any) -> str:
    return node_name(value, "project", max_length=MAX_SHORT_NAME)


def alias(value: Any) -> str:
    return node_name(value, "alias", max_length=MAX_LABEL)


def role(value: Any) -> str | None:
    """An event's role ("train", "test"), or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_LABEL or "\x00" in value:
        raise ValidationError(f"invalid role {value!r}: text of 1-{MAX_LABEL} characters")
    return value


def plain_text(value: str) -> str:
    """Free text (an error message) without NUL characters, which PostgreSQL cannot store."""
    return value.replace("\x00", "")


def digest(value: Any) -> str:
    if not isinstance(value, str) or not _DIGEST.match(value):
        raise ValidationError(f"invalid digest {value!r}: expected 'sha256:' and 64 lower-case hex digits")
    return value


def json_object(value: Mapping[str, Any] | None, what: str) -> dict[str, Any]:
    """A JSON-serialisable dict with string keys (a copy), or a ValidationError naming ``what``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{what} must be a mapping, got {type(value).__name__}")
    for key in value:
        if not isinstance(key, str) or not key or len(key) > MAX_KEY:
            raise ValidationError(f"{what} keys must be non-empty text of at most {MAX_KEY} characters, got {key!r}")
    try:
        text = json.dumps(dict(value), allow_nan=False, default=_plain)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{what} must be JSON-serialisable: {exc}") from exc
    if "\\u0000" in text:
        raise ValidationError(f"{what} must not contain NUL characters")
    return json.loads(text)


def _plain(value: Any) -> Any:
    """Numpy scalars and similar expose ``item()``, tm.Sensitive its wire form; anything else is not JSON."""
    wire = getattr(value, "to_json", None)
    if callable(wire):
        return wire()
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON")


def metric_value(key: Any, value: Any) -> float:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY:
        raise ValidationError(f"invalid metric key {key!r}: non-empty text of at most {MAX_KEY} characters")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"metric {key!r} must be a number, got {value!r}") from exc
    if math.isnan(number) or math.isinf(number):
        raise ValidationError(f"metric {key!r} must be finite, got {value!r}")
    return number


def step(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STEP:
        raise ValidationError(f"a metric step is a whole number from 0 to 2**63-1, got {value!r}")
    return value


def status(value: Any) -> Status:
    try:
        result = Status(str(value).upper())
    except ValueError as exc:
        raise ValidationError(f"invalid status {value!r}: expected COMPLETE or FAILED") from exc
    if result == Status.RUNNING:
        raise ValidationError("an execution ends as COMPLETE or FAILED, not RUNNING")
    return result


def direction(value: Any) -> str:
    if value not in ("upstream", "downstream", "both"):
        raise ValidationError(f"invalid direction {value!r}: expected 'upstream', 'downstream' or 'both'")
    return value


MAX_LIMIT = 10_000


def limit(value: Any) -> int:
    """A page size for search."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
        raise ValidationError(f"limit must be a whole number from 1 to {MAX_LIMIT}, got {value!r}")
    return value


def depth(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DEPTH:
        raise ValidationError(f"depth must be a whole number from 0 to {MAX_DEPTH:,} or None, got {value!r}")
    return value
