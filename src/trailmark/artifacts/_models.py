"""Model files: save a fitted model to bytes, and load it back, in a format fit to share.

scikit-learn estimators (and sklearn-API models such as XGBoost's and LightGBM's wrappers)
are saved with skops (``format="skops"``), which loads without running arbitrary code: on
load, every type outside skops' trusted set must be named in ``trusted=``. Pickle runs
code when loaded, so it is used only when asked for (``format="pickle"``).
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Sequence
from typing import Any

from trailmark.errors import TrailmarkError, ValidationError

FORMATS = ("skops", "pickle")


def default_format(model: Any) -> str:
    """The safe format for ``model``; ValidationError when it has none (then ask for pickle)."""
    from trailmark.capture._sklearn import is_estimator

    if is_estimator(model):
        return "skops"
    raise ValidationError(
        f"no safe file format for a {type(model).__module__}.{type(model).__qualname__}: save it with "
        "format='pickle' if every reader of this store may run code from it"
    )


def save_model(model: Any, format: str | None = None) -> tuple[bytes, str]:
    """The bytes of ``model`` and the format used."""
    chosen = format or default_format(model)
    if chosen not in FORMATS:
        raise ValidationError(f"unknown model format {chosen!r}: use one of {', '.join(FORMATS)}")
    if chosen == "pickle":
        return pickle.dumps(model, protocol=5), chosen
    skops_io = _skops()
    try:
        return skops_io.dumps(model), chosen
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(f"skops cannot save this model ({exc}); save it with format='pickle'") from exc


def load_model(data: bytes, format: str, *, name: str, trusted: Sequence[str] | None = None) -> Any:
    """The model saved in ``data``; ``trusted``: more type names skops may load (see ``skops.io``)."""
    if format == "pickle":
        return pickle.load(io.BytesIO(data))  # noqa: S301 - only for files saved with format='pickle' on request
    if format != "skops":
        raise ValidationError(f"{name} was saved as {format!r}, which this version cannot load")
    skops_io = _skops()
    unknown = [t for t in skops_io.get_untrusted_types(data=data) if t not in set(trusted or ())]
    if unknown:
        raise TrailmarkError(
            f"{name} holds types skops does not trust: {', '.join(unknown)}; if you trust them, pass "
            f"trusted={unknown!r}"
        )
    return skops_io.loads(data, trusted=list(trusted or ()) or None)


def _skops() -> Any:
    try:
        import skops.io as skops_io
    except ImportError as exc:
        raise ValidationError("skops is not installed: pip install 'trailmark[sklearn]'") from exc
    return skops_io
