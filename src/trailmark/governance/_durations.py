"""Durations such as ``30d`` or ``12h``, and "since" moments given as a date or a duration back."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from trailmark.errors import ValidationError
from trailmark.store import _validate

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str | timedelta) -> timedelta:
    """``"30d"`` -> 30 days (units s, m, h, d, w)."""
    if isinstance(text, timedelta):
        return text
    found = _DURATION.match(str(text))
    if not found or int(found.group(1)) == 0:
        raise ValidationError(f"invalid duration {text!r}: expected a number and a unit, such as 30d, 12h or 2w")
    try:
        return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
    except OverflowError as exc:
        raise ValidationError(f"invalid duration {text!r}: too long (at most 9999 years)") from exc


def since_time(value: datetime | str, *, now: datetime | None = None) -> datetime:
    """A moment: a datetime, an ISO date or time, or a duration back from now (``7d``)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return _validate.shifted(now or datetime.now(timezone.utc), -parse_duration(value))
    return _validate.instant(parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc))
