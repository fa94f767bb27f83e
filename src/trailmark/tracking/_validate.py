"""Validate steps: data checks recorded as a Validate execution whose output is a Report artifact."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from trailmark.errors import DataValidationError
from trailmark.tracking._active import active_store, current_run
from trailmark.tracking._data import log_data

if TYPE_CHECKING:
    from trailmark.store import Store
    from trailmark.tracking._run import Run


def record_validation(
    store: Store,
    data: Any,
    checks: Mapping[str, Any] | Iterable[Any],
    *,
    name: str | None,
    parent: Run | None = None,
    raise_on_failure: bool = True,
) -> dict[str, Any]:
    """Check ``data``, and record dataset -INPUT-> Validate -OUTPUT-> Report.

    With a ``parent`` run, the dataset is also an input of that run, and the Validate
    execution joins the run's experiment. A failed check ends the Validate execution
    FAILED, its message naming the column and the figure, and raises
    ``DataValidationError`` unless ``raise_on_failure`` is False. Returns the report.
    """
    from trailmark.capture._jsonsafe import json_safe
    from trailmark.capture._validate import validate_data
    from trailmark.capture.environment import capture_environment

    report = validate_data(data, checks)  # malformed checks fail here, before anything is written
    dataset = log_data(store, data, name=name, type="Dataset")
    params: dict[str, Any] = {"checks": json_safe(_plain(checks)), "dataset": dataset.ref}
    if parent is not None:
        store.link(parent.execution, inputs=[dataset])
        params["run"] = parent.execution.ref
    execution = store.start_execution(
        "Validate", f"validate-{dataset.name}", params=params,
        context=parent.experiment if parent is not None else None, environment=capture_environment(),
    )
    try:
        store.link(execution, inputs=[dataset])
        report = {**report, "dataset": dataset.ref}
        artifact = store.log_artifact("Report", f"{dataset.name}-validation", properties=report)
        store.link(execution, outputs=[artifact])
    except BaseException as exc:
        store.end_execution(execution, status="FAILED", error=f"{type(exc).__name__}: {exc}")
        raise
    message = "; ".join(report["failures"])
    store.end_execution(execution, status="COMPLETE" if report["passed"] else "FAILED", error=message or None)
    report["report"] = artifact.ref
    if not report["passed"] and raise_on_failure:
        raise DataValidationError(f"validation of {dataset.ref} failed: {message}", report=report)
    return report


def validate(
    data: Any,
    *,
    checks: Mapping[str, Any] | Iterable[Any],
    name: str | None = None,
    raise_on_failure: bool = True,
) -> dict[str, Any]:
    """Check ``data`` in its own Validate step on the active store; see :meth:`Run.validate`.

    Inside a run, the run is the parent (as ``run.validate``); otherwise ``name`` names
    the dataset (needed for in-memory data).

    Example:
        >>> validate(df, checks={"max_missing": {"bedrooms": 0.1}}, name="housing-raw")
    """
    parent = current_run()
    if parent is not None:
        return parent.validate(data, checks=checks, name=name, raise_on_failure=raise_on_failure)
    return record_validation(active_store(), data, checks, name=name, raise_on_failure=raise_on_failure)


def _plain(checks: Any) -> Any:
    """Checks as JSON: tuples as lists, a list of pairs kept in order."""
    if isinstance(checks, Mapping):
        return {str(k): _plain(v) for k, v in checks.items()}
    if isinstance(checks, (list, tuple, set)):
        return [_plain(v) for v in checks]
    return checks
