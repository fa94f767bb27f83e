"""Metric points buffered in memory and written in batches by a background flusher,
which also sends the run's heartbeat."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from trailmark.entities import Metric
from trailmark.errors import TrailmarkError
from trailmark.store._lifecycle import HEARTBEAT_SECONDS

_logger = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
MAX_BUFFERED = 50_000


class MetricBuffer:
    """Collects points; ``write`` receives them in batches at least every second and on close.

    A failed background write is kept and raised by the next ``add`` or ``close``, so no
    error is lost silently. ``heartbeat``, if given, is called every ``heartbeat_seconds``
    from the same thread; a failed heartbeat is logged and tried again at the next one
    (a store that is briefly unreachable must not fail the run).
    """

    def __init__(
        self,
        write: Callable[[Sequence[Metric]], None],
        *,
        heartbeat: Callable[[], None] | None = None,
        heartbeat_seconds: float | None = None,
    ) -> None:
        self._write = write
        self._heartbeat = heartbeat
        self._heartbeat_seconds = heartbeat_seconds or HEARTBEAT_SECONDS
        self._points: list[Metric] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="trailmark-metrics", daemon=True)
        self._thread.start()

    def add(self, point: Metric) -> None:
        self._raise_pending()
        with self._lock:
            self._points.append(point)
            full = len(self._points) >= MAX_BUFFERED
        if full:
            self.flush()

    def offer(self, points: Sequence[Metric]) -> None:
        """Add points from another thread (the system sampler): a pending error stays for the run's own thread."""
        with self._lock:
            self._points.extend(points)

    def flush(self) -> None:
        """Write what is buffered now, in the caller's thread."""
        with self._lock:
            points, self._points = self._points, []
        if not points:
            return
        try:
            self._write(points)
        except BaseException:
            with self._lock:  # keep them for the next try
                self._points[:0] = points
            raise

    def drain(self) -> list[Metric]:
        """Stop the flusher and hand back what is still buffered (for the caller to write); raise a pending error."""
        self._stop.set()
        self._thread.join()
        self._raise_pending()
        with self._lock:
            points, self._points = self._points, []
        return points

    def close(self) -> None:
        """Stop the flusher and write the rest; raise a pending background error."""
        self._stop.set()
        self._thread.join()
        self._raise_pending()
        self.flush()

    def _loop(self) -> None:
        beat_at = time.monotonic() + self._heartbeat_seconds
        while not self._stop.wait(min(FLUSH_SECONDS, self._heartbeat_seconds)):
            try:
                self.flush()
            except Exception as exc:  # kept for the caller's thread, see class docstring
                self._error = exc
                return
            if self._heartbeat is not None and time.monotonic() >= beat_at:
                beat_at = time.monotonic() + self._heartbeat_seconds
                try:
                    self._heartbeat()
                except (TrailmarkError, OSError) as exc:
                    _logger.warning("heartbeat of the run failed, will try again: %s", exc)

    def _raise_pending(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
