"""Checks on arguments, made once above the backends so every backend rejects alike.

SqlStore, HttpStore (before sending) and the server (on what is not a store call: bodies,
query values) call these, and only these. Limits are module constants; the value-size and
request-body limits can be changed (see docs/limits.md) through :data:`LIMITS`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from trailmark.entities import Metric, Status
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


MAX_JSON_DEPTH = 64
MAX_LINKS = 10_000  # inputs plus outputs of one link call
MAX_METRIC_POINTS = 100_000  # per call
MAX_COMPARE = 100  # references compared at once
MAX_BATCH_OPERATIONS = 10_000
MAX_REF = 1_000  # characters of a reference
MIB = 1024 * 1024
VALUE_MB_ENV = "TRAILMARK_MAX_VALUE_MB"
BODY_MB_ENV = "TRAILMARK_MAX_BODY_MB"


@dataclass
class Limits:
    """The limits a deployment may change: a property or param value, a request body (decompressed)."""

    value_bytes: int
    body_bytes: int

    @classmethod
    def from_env(cls) -> Limits:
        return cls(value_bytes=_megabytes(VALUE_MB_ENV, 1), body_bytes=_megabytes(BODY_MB_ENV, 16))

    def reload(self) -> None:
        """Read the environment again (after ``trailmark server`` set it for its workers)."""
        self.value_bytes, self.body_bytes = dataclasses.astuple(Limits.from_env())


def _megabytes(env: str, default: float) -> int:
    text = os.environ.get(env)
    try:
        number = float(text) if text else default
    except ValueError as exc:
        raise ValidationError(f"${env} must be a number of MiB, got {text!r}") from exc
    if not 0 < number <= 4096:
        raise ValidationError(f"${env} must be more than 0 and at most 4096 MiB, got {text!r}")
    return int(number * MIB)


LIMITS = Limits.from_env()


def text(value: Any, what: str) -> str:
    """Text without NUL characters or lone surrogates, which neither database can store alike."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text, got {type(value).__name__}")
    if "\x00" in value:
        raise ValidationError(f"{what} must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"{what} is not valid Unicode text (a lone surrogate at position {exc.start})") from exc
    return value


def count(items: Sized, what: str, maximum: int) -> None:
    """A list that may hold at most ``maximum`` items."""
    if len(items) > maximum:
        raise ValidationError(f"too many {what}: {len(items):,} in one call, at most {maximum:,}")


def json_depth(value: Any, what: str, maximum: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than ``maximum`` levels; walks with a stack, never recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > maximum:
            raise ValidationError(f"{what} nests more than {maximum} levels deep: flatten it")
        if isinstance(item, Mapping):
            stack.extend((child, level + 1) for child in item.values() if isinstance(child, (Mapping, list, tuple)))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, level + 1) for child in item if isinstance(child, (Mapping, list, tuple)))


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
    return text(value, what)


def reference(value: Any) -> str:
    """A reference's text, stripped, once it parses (``dataset:x@3``, ``exec:12``, an id...)."""
    parsed_reference(value)
    return str(value).strip()


def parsed_reference(value: Any) -> Any:
    """The parsed form of a reference (see :func:`trailmark.refs.parse_ref`), after the text checks."""
    from trailmark.refs import parse_ref

    if not isinstance(value, str) or len(value) > MAX_REF:
        shown = value if not isinstance(value, str) else value[:80] + "..."
        raise ValidationError(f"invalid reference {shown!r}: text of at most {MAX_REF} characters")
    return parse_ref(text(value, "a reference"))


def references(values: Iterable[Any], what: str, maximum: int) -> list[Any]:
    """A bounded list of nodes (references, ids or entities)."""
    found = list(values)
    count(found, what, maximum)
    return found


def link_sizes(inputs: Sequence[Any], outputs: Sequence[Any]) -> None:
    if len(inputs) + len(outputs) > MAX_LINKS:
        raise ValidationError(
            f"too many nodes in one link: {len(inputs):,} inputs and {len(outputs):,} outputs, at most {MAX_LINKS:,} "
            "in all"
        )


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
    """A JSON-serialisable dict with string keys (a copy), or a ValidationError naming ``what``.

    At most :data:`MAX_JSON_DEPTH` levels deep, each value at most ``LIMITS.value_bytes``
    of JSON, no NUL characters or lone surrogates anywhere.
    """
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{what} must be a mapping, got {type(value).__name__}")
    for key in value:
        if not isinstance(key, str) or not key or len(key) > MAX_KEY:
            raise ValidationError(f"{what} keys must be non-empty text of at most {MAX_KEY} characters, got {key!r}")
    json_depth(value, what)
    try:
        encoded = json.dumps(dict(value), allow_nan=False, default=_plain, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{what} must be JSON-serialisable: {exc}") from exc
    if "\\u0000" in encoded:
        raise ValidationError(f"{what} must not contain NUL characters")
    try:
        size = len(encoded.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise ValidationError(f"{what} holds text that is not valid Unicode (a lone surrogate)") from exc
    if size > LIMITS.value_bytes:  # the whole is small enough: so is every value; else find the one
        _value_sizes(value, what)
    copy: dict[str, Any] = json.loads(encoded)
    return copy


def _value_sizes(value: Mapping[str, Any], what: str) -> None:
    for key, item in value.items():
        size = len(json.dumps(item, default=_plain, ensure_ascii=False).encode("utf-8"))
        if size > LIMITS.value_bytes:
            raise ValidationError(
                f"{what} {key!r} is {size / MIB:.1f} MiB of JSON, more than the {LIMITS.value_bytes / MIB:.3g} MiB "
                f"a value may hold: store it as a file and log its uri (or raise ${VALUE_MB_ENV} on the server)"
            )


def _plain(value: Any) -> Any:
    """Numpy scalars and similar expose ``item()``, tm.Sensitive its wire form; anything else is not JSON."""
    wire = getattr(value, "to_json", None)
    if callable(wire):
        return wire()
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON")


def metric_key(key: Any) -> str:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY:
        raise ValidationError(f"invalid metric key {key!r}: non-empty text of at most {MAX_KEY} characters")
    return text(key, "a metric key")


def metric_value(key: Any, value: Any) -> float:
    return metric_number(metric_key(key), value)


def metric_number(key: str, value: Any) -> float:
    """``value`` as a finite float (``key``, already checked, names it in the error)."""
    if isinstance(value, bool):
        raise ValidationError(f"metric {key!r} must be a number, got {value!r}")
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
    return str(value)


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


def metric_points(points: Sequence[Metric]) -> list[Metric]:
    """Metric points of one call, checked: at most :data:`MAX_METRIC_POINTS`, valid keys and steps, float values."""
    count(points, "metric points", MAX_METRIC_POINTS)
    keys: set[str] = set()
    checked = []
    for p in points:
        if not (isinstance(p.key, str) and p.key in keys):  # each distinct key checked once
            keys.add(metric_key(p.key))
        checked.append(Metric(p.key, metric_number(p.key, p.value), step(p.step), p.timestamp))
    return checked


def tag(key: Any, value: Any) -> None:
    json_object({key: value}, "tags")


def execution_start(
    type: Any,
    name: Any,
    *,
    params: Mapping[str, Any] | None,
    context: Any,
    context_type: Any,
    environment: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The checked arguments of ``start_execution``, as plain JSON values."""
    type_name(type)
    node_name(name)
    if context is not None:
        node_name(context, "context")
        type_name(context_type, "context type")
    return {
        "type": type, "name": name, "params": json_object(params, "params"), "context": context,
        "context_type": context_type, "environment": json_object(environment, "environment"),
    }


def instant(value: datetime) -> datetime:
    """An aware date-time that exists in UTC too (``9999-12-31T23:59:59-23:59`` does not)."""
    try:
        value.astimezone(timezone.utc)
    except OverflowError as exc:
        raise ValidationError(f"date {value.isoformat()} is out of range: years 1 to 9999, in UTC too") from exc
    return value


def shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, or a ValidationError when that leaves the years 1 to 9999."""
    try:
        return instant(moment + delta)
    except OverflowError as exc:
        raise ValidationError(f"{moment.isoformat()} moved by {delta} is out of range: years 1 to 9999") from exc


def duration(amount: int, seconds_per_unit: int, text: str) -> timedelta:
    """A duration of ``amount`` units, refused when no date could be that far from another."""
    try:
        found = timedelta(seconds=amount * seconds_per_unit)
    except OverflowError as exc:
        raise ValidationError(f"duration {text!r} is too long: at most 9999 years") from exc
    if found > timedelta(days=366 * 9999):
        raise ValidationError(f"duration {text!r} is too long: at most 9999 years")
    return found
