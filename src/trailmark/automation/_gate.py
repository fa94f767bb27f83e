"""The gate's rule: does a candidate's metric beat the baseline's by enough?"""

from __future__ import annotations

import math

from trailmark.errors import ValidationError

DIRECTIONS = ("min", "max")


def direction(value: str) -> str:
    """``min`` (lower is better) or ``max``; anything else is refused."""
    if value not in DIRECTIONS:
        raise ValidationError(f"direction must be 'min' (lower is better) or 'max', not {value!r}")
    return value


def min_improvement(value: float | int | str) -> float | str:
    """A margin in the metric's units (``0.5``), or relative to the baseline (``"1%"``)."""
    if isinstance(value, bool):
        raise ValidationError(f"min_improvement must be a number or a percentage such as '1%', not {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValidationError(f"min_improvement must be finite, not {value!r}")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1] if text.endswith("%") else text)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return f"{number:g}%" if text.endswith("%") else number
    raise ValidationError(f"min_improvement must be a number or a percentage such as '1%', not {value!r}")


def margin(required: float | str, baseline: float) -> float:
    """The improvement needed, in the metric's units."""
    if isinstance(required, str):
        return abs(baseline) * float(required[:-1]) / 100.0
    return required


def decide(
    candidate: float | None, baseline: float | None, *, metric: str, direction: str, required: float | str,
    candidate_ref: str, baseline_ref: str | None,
) -> tuple[bool, str]:
    """(passed, reason) for the values compared; a missing baseline passes, a missing candidate fails."""
    if candidate is None:
        return False, f"{candidate_ref} has no metric {metric!r}: its run did not log it, so it cannot be compared"
    if baseline_ref is None:
        return True, f"no baseline to compare with (nothing there yet): {candidate_ref} passes as the first"
    if baseline is None:
        return False, f"the baseline {baseline_ref} has no metric {metric!r}: nothing to compare {candidate_ref} with"
    gained = baseline - candidate if direction == "min" else candidate - baseline
    needed = margin(required, baseline)
    better = "lower" if direction == "min" else "higher"
    verdict = f"{metric} {candidate:g} against {baseline:g} ({better} is better): improvement {gained:g}"
    if gained >= needed:
        return True, f"{verdict}, at least the {needed:g} required"
    return False, f"{verdict}, less than the {needed:g} required"
