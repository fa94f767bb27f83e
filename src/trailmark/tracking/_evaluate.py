"""``tm.evaluate``: standard metrics computed and logged on the run in progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trailmark.errors import ValidationError
from trailmark.tracking._active import current_run

if TYPE_CHECKING:
    from trailmark.tracking._run import Run

TASKS = ("regression", "classification")


def evaluate(
    y_true: Any,
    y_pred: Any,
    *,
    task: str = "regression",
    y_score: Any = None,
    prefix: str = "",
    step: int | None = None,
    run: Run | None = None,
) -> dict[str, float]:
    """Log the standard metrics of predictions on ``run`` (default: the run in progress).

    ``task="regression"``: rmse, mae, r2. ``task="classification"``: accuracy, f1,
    precision, recall, and roc_auc for a binary task given ``y_score``. Keys get
    ``prefix`` (``prefix="test_"`` logs ``test_rmse``). Returns the logged values.

    Example:
        >>> with tm.run("train", type="Train"):
        ...     tm.evaluate(y_test, model.predict(X_test), prefix="test_")
    """
    from trailmark.capture import classification_metrics, regression_metrics

    if task not in TASKS:
        raise ValidationError(f"task must be 'regression' or 'classification', got {task!r}")
    target = run if run is not None else current_run()
    if target is None:
        raise ValidationError("evaluate() needs a run in progress: call it inside `with tm.run(...)`, or pass run=")
    if task == "regression":
        if y_score is not None:
            raise ValidationError("y_score is for classification; a regression is scored on y_pred")
        values = regression_metrics(y_true, y_pred)
    else:
        values = classification_metrics(y_true, y_pred, y_score=y_score)
    metrics = {f"{prefix}{key}": value for key, value in values.items()}
    target.log_metrics(metrics, step=step)
    return metrics
