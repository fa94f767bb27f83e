"""Trailmark: the metadata store for machine-learning pipelines.

Example:
    >>> import trailmark as tm
    >>> store = tm.connect()                      # sqlite:///trailmark.db by default
    >>> with tm.run("train", type="Train", params={"max_depth": 10}) as run:
    ...     run.log_metric("rmse", 28000.0)
"""

import trailmark._wiring  # noqa: F401  # attaches store.run, .models, .audit, .compare
from trailmark._clock import Clock, ManualClock, SystemClock
from trailmark.entities import (
    AliasMove,
    Artifact,
    ColumnEdge,
    Context,
    Edge,
    EdgeKind,
    Event,
    Execution,
    Metric,
    Page,
    Status,
)
from trailmark.errors import (
    AmbiguousReferenceError,
    AuthenticationError,
    ConflictError,
    DataValidationError,
    FilterSyntaxError,
    GateFailedError,
    NotFoundError,
    PermissionDeniedError,
    StoreVersionError,
    TrailmarkError,
    ValidationError,
)
from trailmark.governance import Sensitive
from trailmark.lineage import Lineage
from trailmark.store import Store
from trailmark.tracking import Run, active_store, autolog, connect, evaluate, load_model, run, step, validate

__version__ = "0.1.0"

__all__ = [
    "AliasMove",
    "AmbiguousReferenceError",
    "Artifact",
    "AuthenticationError",
    "Clock",
    "ColumnEdge",
    "ConflictError",
    "Context",
    "DataValidationError",
    "Edge",
    "EdgeKind",
    "Event",
    "Execution",
    "FilterSyntaxError",
    "GateFailedError",
    "Lineage",
    "ManualClock",
    "Metric",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "Run",
    "Sensitive",
    "Status",
    "Store",
    "StoreVersionError",
    "SystemClock",
    "TrailmarkError",
    "ValidationError",
    "active_store",
    "autolog",
    "connect",
    "evaluate",
    "load_model",
    "run",
    "step",
    "validate",
]
