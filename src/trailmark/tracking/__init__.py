"""The tracking API: ``connect``, ``run``, ``step``, the active store, autolog, evaluate and validate."""

from trailmark.tracking._active import active_store, connect, current_run, run
from trailmark.tracking._autolog import autolog
from trailmark.tracking._evaluate import evaluate
from trailmark.tracking._files import load_model
from trailmark.tracking._run import Run
from trailmark.tracking._step import step
from trailmark.tracking._validate import validate

__all__ = [
    "Run", "active_store", "autolog", "connect", "current_run", "evaluate", "load_model", "run", "step", "validate",
]
