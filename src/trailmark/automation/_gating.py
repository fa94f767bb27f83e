"""``store.gate``: compare a candidate model with a baseline on one metric, and record the verdict.

Built on the Store protocol, so every backend gates alike: the decision is a ``Gate``
execution whose inputs are the two models and whose output is a Report holding the
values compared. A failed gate's Report is what fires ``gate.failed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trailmark.automation import _gate
from trailmark.automation._entities import GateResult
from trailmark.entities import Artifact, Execution, Metric
from trailmark.errors import NotFoundError, ValidationError
from trailmark.refs import ArtifactRef, parse_ref

if TYPE_CHECKING:
    from trailmark.store import NodeLike, Store

MODEL = "Model"


def gate(
    store: Store,
    candidate: NodeLike,
    *,
    baseline: NodeLike | None,
    metric: str,
    direction: str = "min",
    min_improvement: float | str = 0.0,
) -> GateResult:
    """Whether ``candidate`` beats ``baseline`` on ``metric``; recorded and returned (see :meth:`Store.gate`)."""
    if not isinstance(metric, str) or not metric.strip():
        raise ValidationError("a gate needs the name of the metric to compare, such as 'rmse'")
    direction = _gate.direction(direction)
    required = _gate.min_improvement(min_improvement)
    model = _model(store, candidate, "candidate")
    base = _baseline(store, baseline)
    if base is not None and base.id == model.id:
        base_value = value = metric_of(store, model, metric)
    else:
        value = metric_of(store, model, metric)
        base_value = metric_of(store, base, metric) if base is not None else None
    passed, reason = _gate.decide(value, base_value, metric=metric, direction=direction, required=required,
                                  candidate_ref=model.ref, baseline_ref=base.ref if base is not None else None)
    verdict = {"metric": metric, "direction": direction, "min_improvement": required, "candidate": value,
               "baseline": base_value, "candidate_ref": model.ref, "baseline_ref": base.ref if base else None,
               "passed": passed, "reason": reason}
    execution, report = _record(store, model, base, verdict)
    return GateResult(passed=passed, candidate=value, baseline=base_value, reason=reason, metric=metric,
                      direction=direction, min_improvement=required, candidate_ref=model.ref,
                      baseline_ref=base.ref if base is not None else None, execution=execution.ref, report=report.ref)


def metric_of(store: Store, model: Artifact, metric: str) -> float | None:
    """A model's metric: the latest step's value logged by the run that produced it (None: not logged)."""
    producers = [n for n in store.lineage(model, direction="upstream", depth=1).nodes if isinstance(n, Execution)]
    for execution in producers:
        value = latest_value(store.metrics(execution, key=metric))
        if value is not None:
            return value
    return None


def latest_value(points: Sequence[Metric]) -> float | None:
    """The value at the latest step of one metric's series (None: an empty series)."""
    return max(points, key=lambda p: (p.step, p.timestamp)).value if points else None


def _model(store: Store, ref: NodeLike, role: str) -> Artifact:
    found = store.get(ref)
    if not isinstance(found, Artifact) or found.type != MODEL:
        raise ValidationError(f"the {role} {ref!r} is not a model: a gate compares Model artifacts")
    return found


def _baseline(store: Store, ref: NodeLike | None) -> Artifact | None:
    """The baseline model; None when there is none yet (an alias not set, such as production before a first release)."""
    if ref is None:
        return None
    try:
        return _model(store, ref, "baseline")
    except NotFoundError:
        if isinstance(ref, str) and isinstance(parsed := parse_ref(ref), ArtifactRef) and parsed.alias is not None:
            return None
        raise


def _record(
    store: Store, model: Artifact, base: Artifact | None, verdict: dict[str, Any]
) -> tuple[Execution, Artifact]:
    params = {k: verdict[k] for k in ("metric", "direction", "min_improvement", "candidate_ref", "baseline_ref")}
    execution = store.start_execution("Gate", f"gate-{model.name}", params=params)
    inputs = [model] + ([base] if base is not None and base.id != model.id else [])
    roles = {model.id: "candidate", **({base.id: "baseline"} if base is not None and base.id != model.id else {})}
    store.link(execution, inputs=inputs, roles=roles)
    report = store.log_artifact("Report", f"gate-{model.name}", properties={"gate": {**verdict,
                                                                                       "execution": execution.ref}})
    store.link(execution, outputs=[report])
    store.end_execution(execution, status="COMPLETE")
    return execution, report
