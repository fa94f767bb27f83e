"""One source of time for everything a store writes, so tests can set it instead of backdating rows.

A store takes a clock when it is opened (``tm.connect(uri, clock=...)``, ``create_app(uri,
clock=...)``); every timestamp it writes (created_at, started_at, ended_at, audit times, token
expiry, heartbeats) and every "now" it compares against comes from that clock.

Example:
    >>> from datetime import datetime, timezone
    >>> clock = ManualClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> store = tm.connect("sqlite:///t.db", clock=clock)
    >>> clock.advance("2h")                 # tokens issued for "1h" have now expired
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol, runtime_checkable

from trailmark.errors import ValidationError


@runtime_checkable
class Clock(Protocol):
    """Anything with ``now()`` returning an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC: the default of every store."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def __repr__(self) -> str:
        return "SystemClock()"


SYSTEM_CLOCK = SystemClock()


class ManualClock:
    """A clock that moves only when told to: ``advance(...)`` or ``set(...)``. Thread-safe.

    Args:
        start: the time it shows first (an aware datetime; naive means UTC); default: now.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = _aware(start) if start is not None else SYSTEM_CLOCK.now()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, by: timedelta | str | float) -> datetime:
        """Move forward by a timedelta, a duration such as ``"90s"``, ``"2h"``, ``"7d"``, or seconds."""
        step = _delta(by)
        if step < timedelta(0):
            raise ValidationError(f"a clock only moves forward, got {by!r}")
        with self._lock:
            self._now += step
            return self._now

    def set(self, when: datetime) -> None:
        """Show ``when`` from now on (earlier times are allowed: a test may need them)."""
        with self._lock:
            self._now = _aware(when)

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()!r})"


def _aware(when: datetime) -> datetime:
    if not isinstance(when, datetime):
        raise ValidationError(f"a clock shows a datetime, got {when!r}")
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _delta(by: timedelta | str | float) -> timedelta:
    if isinstance(by, timedelta):
        return by
    if isinstance(by, str):
        from trailmark.governance import parse_duration

        return parse_duration(by)
    if isinstance(by, (int, float)) and not isinstance(by, bool):
        return timedelta(seconds=by)
    raise ValidationError(f"advance by a timedelta, a duration like '2h' or seconds, got {by!r}")
