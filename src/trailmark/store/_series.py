"""A metric series held as columns: the points are built as ``Metric`` objects only when asked for.

``store.metrics`` returns one (HttpStore's too, from the columns of the JSON it receives). It
is a read-only sequence of ``Metric`` (indexing, iteration, ``len``, ``==`` with a list of
points all work as on a list), so the API keeps its shape, but a series of 10,000 points read
to be sent on (the REST and MLflow routes) never builds 10,000 objects: those read the columns
(``values``, ``steps``, ``iso_timestamps()``, ``millis()``). Timestamps stay in the database
driver's form (or the JSON's text) until asked for; a ``Stamps`` converts them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from typing import Any, Protocol, overload

from trailmark.entities import Metric


class Stamps(Protocol):
    """How a backend's raw timestamp values become datetimes, ISO 8601 text and epoch milliseconds."""

    def datetimes(self, raw: Sequence[Any]) -> list[datetime]: ...

    def iso(self, raw: Sequence[Any]) -> list[str]: ...

    def millis(self, raw: Sequence[Any]) -> list[int]: ...


class AwareStamps:
    """Timestamps already timezone-aware datetimes (or naive ones meant as UTC)."""

    def datetimes(self, raw: Sequence[Any]) -> list[datetime]:
        return [t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc) for t in raw]

    def iso(self, raw: Sequence[Any]) -> list[str]:
        return [t.isoformat() for t in self.datetimes(raw)]

    def millis(self, raw: Sequence[Any]) -> list[int]:
        return [round(t.timestamp() * 1000) for t in self.datetimes(raw)]


class IsoStamps:
    """Timestamps as ISO 8601 text with their offset (as the REST API sends them, for HttpStore)."""

    def datetimes(self, raw: Sequence[Any]) -> list[datetime]:
        return AwareStamps().datetimes(list(map(datetime.fromisoformat, raw)))

    def iso(self, raw: Sequence[Any]) -> list[str]:
        return list(raw)

    def millis(self, raw: Sequence[Any]) -> list[int]:
        return AwareStamps().millis(self.datetimes(raw))


class MetricSeries(Sequence[Metric]):
    """Points of one execution as parallel columns, in the store's order (key, step, time)."""

    __slots__ = ("keys", "values", "steps", "stamps", "_format")

    def __init__(self, keys: list[str], values: list[float], steps: list[int], stamps: list[Any],
                 format: Stamps) -> None:
        self.keys, self.values, self.steps, self.stamps, self._format = keys, values, steps, stamps, format

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> Metric: ...

    @overload
    def __getitem__(self, index: slice) -> MetricSeries: ...

    def __getitem__(self, index: int | slice) -> Metric | MetricSeries:
        if isinstance(index, slice):
            return MetricSeries(self.keys[index], self.values[index], self.steps[index], self.stamps[index],
                                self._format)
        when = self._format.datetimes([self.stamps[index]])[0]
        return Metric(self.keys[index], self.values[index], self.steps[index], when)

    def __iter__(self) -> Iterator[Metric]:
        return map(Metric, self.keys, self.values, self.steps, self.timestamps())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MetricSeries):
            return (self.keys, self.values, self.steps, self.timestamps()) == (
                other.keys, other.values, other.steps, other.timestamps())
        if isinstance(other, Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a sequence compared by its content, like a list

    def __repr__(self) -> str:
        return f"MetricSeries({list(self)!r})"

    def timestamps(self) -> list[datetime]:
        """Each point's time, timezone-aware."""
        return self._format.datetimes(self.stamps)

    def iso_timestamps(self) -> list[str]:
        """Each point's time as ISO 8601 text (``2026-12-01T10:00:00.250000+00:00``)."""
        return self._format.iso(self.stamps)

    def millis(self) -> list[int]:
        """Each point's time in milliseconds since the epoch (MLflow's unit)."""
        return self._format.millis(self.stamps)
