"""Checks for the lifecycle calls (notes, soft delete, heartbeats, reaping), shared by every backend."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from trailmark.errors import ValidationError

ACTIVE = "active"
DELETED = "deleted"
LIFECYCLES = (ACTIVE, DELETED)
MAX_DESCRIPTION = 100_000  # characters
HEARTBEAT_SECONDS = 30.0  # how often an open run says it is alive
DEFAULT_REAP_AFTER = "10m"
MAX_REAP_AGE = timedelta(days=36_500)  # far enough back; "now - age" must stay a date


def description(value: object) -> str | None:
    """A note on a node: text of at most 100,000 characters, without NUL; '' or None clears it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError(f"a description must be text, got {type(value).__name__}")
    if "\x00" in value:
        raise ValidationError("a description must not contain NUL characters")
    if len(value) > MAX_DESCRIPTION:
        raise ValidationError(f"a description is at most {MAX_DESCRIPTION:,} characters, got {len(value):,}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"a description is not valid Unicode (a lone surrogate at {exc.start})") from exc
    return value


def older_than(value: object) -> timedelta:
    """How long a run may go without a heartbeat: ``"90s"``, ``"10m"``, ``"2h"``, ``"7d"`` or a timedelta."""
    from trailmark.governance import parse_duration

    if isinstance(value, str):
        value = parse_duration(value.strip())
    if not isinstance(value, timedelta):
        raise ValidationError(f"older_than is a duration such as '10m' or a timedelta, got {value!r}")
    if not timedelta(0) < value <= MAX_REAP_AGE:
        raise ValidationError(f"older_than must be more than zero and at most {MAX_REAP_AGE.days} days, got {value}")
    return value


def reaped_error(last_seen: datetime, now: datetime) -> str:
    """The error a reaped run is ended with: when it was last seen, and how long ago."""
    return (f"no heartbeat since {last_seen.isoformat(timespec='seconds')} (last seen {_ago(now - last_seen)} "
            "before it was reaped): the process that ran it stopped without ending it")


def _ago(delta: timedelta) -> str:
    """``10m 3s``, ``2h 5m``, ``7d 3h``: the two largest units."""
    seconds = max(int(delta.total_seconds()), 0)
    units = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
    for (unit, size), (small, small_size) in pairwise(units):
        if seconds >= size:
            return f"{seconds // size}{unit} {seconds % size // small_size}{small}"
    return f"{seconds}s"
