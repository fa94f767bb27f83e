"""``store.leaderboard``: the runs of an experiment ranked by one metric's latest value."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trailmark.automation import _gate
from trailmark.automation._gating import latest_value
from trailmark.entities import Execution
from trailmark.errors import NotFoundError, ValidationError
from trailmark.store import one_read_entry

if TYPE_CHECKING:
    from trailmark.store import Store

_METRIC = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
MAX_LIMIT = 1000


def leaderboard(
    store: Store, experiment: str, *, metric: str, direction: str = "min", limit: int = 10
) -> list[tuple[Execution, float]]:
    """The best ``limit`` runs of ``experiment`` by ``metric`` (failed runs left out), best first."""
    direction = _gate.direction(direction)
    if not isinstance(metric, str) or not _METRIC.fullmatch(metric):
        raise ValidationError(f"metric {metric!r} is not a metric name (letters, digits, '_' and '-')")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    if not isinstance(experiment, str) or experiment not in {c.name for c in store.contexts(type="Experiment")}:
        raise NotFoundError(f"no experiment {experiment!r}: runs join one with tm.run(..., experiment=NAME)")
    with one_read_entry():  # the page's search and each run's metrics: one audited read
        return _ranked(store, experiment, metric, direction, limit)


def _ranked(store: Store, experiment: str, metric: str, direction: str, limit: int) -> list[tuple[Execution, float]]:
    quoted = experiment.replace("'", "''")
    order = "asc" if direction == "min" else "desc"
    page = store.search(f"experiment = '{quoted}' and status != 'FAILED' and metrics.{metric} IS NOT NULL",
                        kind="executions", order_by=[f"metrics.{metric} {order}"], limit=limit)
    ranked = []
    for execution in page.items:
        latest = latest_value(store.metrics(execution, key=metric))
        if latest is not None:
            ranked.append((execution, latest))
    if not ranked and not store.search(f"experiment = '{quoted}'", kind="executions", limit=1).items:
        raise NotFoundError(f"experiment {experiment!r} has no runs")
    return ranked
