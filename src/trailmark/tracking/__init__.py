"""The tracking API: ``connect``, ``run``, ``step`` and the active store."""

from trailmark.tracking._active import active_store, connect, current_run, run
from trailmark.tracking._run import Run
from trailmark.tracking._step import step

__all__ = ["Run", "active_store", "connect", "current_run", "run", "step"]
