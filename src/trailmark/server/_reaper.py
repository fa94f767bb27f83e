"""The server's reaper: a background thread that ends runs whose process died.

Every minute it calls ``reap`` on each project, as the actor ``trailmark-reaper``, ending
RUNNING executions without a heartbeat for ``$TRAILMARK_REAP_AFTER`` (default 10m;
``off`` turns it off). Several workers may reap at once: each run is re-checked in the
write that ends it, so it is ended once.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta

from trailmark.errors import TrailmarkError
from trailmark.store import _lifecycle
from trailmark.store.sql import SqlStore
from trailmark.store.sql._views import project_view

_logger = logging.getLogger(__name__)

REAP_AFTER_ENV = "TRAILMARK_REAP_AFTER"
REAP_EVERY_SECONDS = 60.0
ACTOR = "trailmark-reaper"


def reap_after_from_env() -> timedelta | None:
    """How long a run may go without a heartbeat before the server ends it; None when off."""
    text = os.environ.get(REAP_AFTER_ENV, _lifecycle.DEFAULT_REAP_AFTER).strip()
    return None if text.lower() in ("off", "0", "") else _lifecycle.older_than(text)


class Reaper:
    """Reap every project of ``store`` every ``every`` seconds until :meth:`stop`."""

    def __init__(self, store: SqlStore, *, older_than: timedelta, every: float = REAP_EVERY_SECONDS) -> None:
        self.store, self.older_than, self.every = store, older_than, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="trailmark-reaper", daemon=True)

    def start(self) -> Reaper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def reap_once(self) -> int:
        """Reap all projects now; how many runs were ended."""
        ended = 0
        for project in self.store.projects():
            reaped = project_view(self.store, project, actor=ACTOR).reap(older_than=self.older_than)
            for execution in reaped:
                _logger.warning("reaped %s (%s) in project %s: %s", execution.ref, execution.name, project,
                                execution.error)
            ended += len(reaped)
        return ended

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.reap_once()
            except TrailmarkError as exc:  # a database hiccup: try again at the next round
                _logger.warning("reaping failed, will try again: %s", exc)
