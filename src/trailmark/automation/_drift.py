"""Drift between two stored dataset profiles, column by column.

Numbers: the population stability index over the training data's deciles, and the
Kolmogorov-Smirnov distance, both from each profile's quantiles (or, for an older
profile, its histogram). Categories: the Jensen-Shannon distance (base 2) of the
category counts. Every column: the change in its rate of missing values, and schema
changes (a column gone, or of another kind). Each check reports a statistic that grows
with drift; a column drifts when any check's statistic exceeds its threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from trailmark.errors import ValidationError

DEFAULT_THRESHOLDS: dict[str, float] = {"psi": 0.2, "ks": 0.15, "js": 0.1, "null_rate": 0.05}
_EPSILON = 1e-4  # PSI's floor for an empty bin (ln 0 is undefined)

Cdf = tuple[list[float], list[float]]  # points x, and P(X <= x) at each, non-decreasing


def thresholds(given: Mapping[str, Any] | None) -> dict[str, float]:
    """The defaults, overridden by ``given`` (unknown tests and negative values are refused)."""
    merged = dict(DEFAULT_THRESHOLDS)
    for key, value in dict(given or {}).items():
        if key not in DEFAULT_THRESHOLDS:
            raise ValidationError(f"unknown drift test {key!r}: thresholds are set for {', '.join(DEFAULT_THRESHOLDS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValidationError(f"the {key} threshold must be a number >= 0, not {value!r}")
        merged[key] = float(value)
    return merged


def cdf_of(summary: Mapping[str, Any]) -> Cdf | None:
    """The distribution a numeric summary describes: from its quantiles, else its histogram."""
    quantiles = summary.get("quantiles")
    if isinstance(quantiles, list) and len(quantiles) >= 2:
        steps = len(quantiles) - 1
        return [float(q) for q in quantiles], [i / steps for i in range(steps + 1)]
    histogram = summary.get("histogram")
    if isinstance(histogram, dict) and histogram.get("bins") and sum(histogram.get("counts") or []) > 0:
        counts = histogram["counts"]
        total = float(sum(counts))
        running, ps = 0.0, [0.0]
        for count in counts:
            running += count
            ps.append(running / total)
        return [float(b) for b in histogram["bins"]], ps
    return None


def cdf_at(cdf: Cdf, x: float) -> float:
    """P(X <= x), linear between the points of ``cdf`` (right-continuous at repeated points)."""
    xs, ps = cdf
    if x < xs[0]:
        return 0.0
    if x >= xs[-1]:
        return 1.0
    high = _bisect_right(xs, x)  # xs[high - 1] <= x < xs[high]
    low = high - 1
    return ps[low] + (ps[high] - ps[low]) * (x - xs[low]) / (xs[high] - xs[low])


def quantile_at(cdf: Cdf, p: float) -> float:
    """The smallest x with P(X <= x) >= p (the inverse of :func:`cdf_at`)."""
    xs, ps = cdf
    for i in range(1, len(ps)):
        if ps[i] >= p:
            if ps[i] == ps[i - 1]:
                return xs[i]
            return xs[i - 1] + (xs[i] - xs[i - 1]) * (p - ps[i - 1]) / (ps[i] - ps[i - 1])
    return xs[-1]


def _bisect_right(xs: Sequence[float], x: float) -> int:
    low, high = 0, len(xs)
    while low < high:
        middle = (low + high) // 2
        if x < xs[middle]:
            high = middle
        else:
            low = middle + 1
    return low


def psi_edges(expected: Cdf, bins: int = 10) -> list[float]:
    """Inner bin edges at the expected distribution's deciles (repeated edges merged)."""
    edges = sorted({quantile_at(expected, i / bins) for i in range(1, bins)})
    return edges


def psi(expected: Cdf, actual: Cdf, edges: Sequence[float] | None = None) -> float:
    """Population stability index: sum of (a - e) * ln(a / e) over the bins."""
    edges = list(edges if edges is not None else psi_edges(expected))
    return psi_from_fractions(_fractions(expected, edges), _fractions(actual, edges))


def psi_from_fractions(expected: Sequence[float], actual: Sequence[float]) -> float:
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e, a = max(e, _EPSILON), max(a, _EPSILON)
        total += (a - e) * math.log(a / e)
    return total


def _fractions(cdf: Cdf, edges: Sequence[float]) -> list[float]:
    at = [0.0, *(cdf_at(cdf, e) for e in edges), 1.0]
    return [at[i + 1] - at[i] for i in range(len(at) - 1)]


def ks(expected: Cdf, actual: Cdf) -> float:
    """Kolmogorov-Smirnov distance: the largest gap between the two distribution functions."""
    points = sorted(set(expected[0]) | set(actual[0]))
    return max(abs(cdf_at(expected, x) - cdf_at(actual, x)) for x in points)


def category_distribution(summary: Mapping[str, Any]) -> dict[str, float] | None:
    """Category -> count from a categorical summary (``other`` as one more category)."""
    listed = summary.get("counts")
    if not isinstance(listed, list):
        return None
    found = {repr(value): float(count) for value, count in listed}
    if summary.get("other"):
        found["<other>"] = float(summary["other"])
    return found if sum(found.values()) > 0 else None


def jensen_shannon(expected: Mapping[str, float], actual: Mapping[str, float]) -> float:
    """Jensen-Shannon distance in base 2 (0: same distribution, 1: disjoint)."""
    keys = sorted(set(expected) | set(actual))
    p_total, q_total = sum(expected.values()), sum(actual.values())
    divergence = 0.0
    for key in keys:
        p, q = expected.get(key, 0.0) / p_total, actual.get(key, 0.0) / q_total
        m = (p + q) / 2
        if p > 0:
            divergence += 0.5 * p * math.log2(p / m)
        if q > 0:
            divergence += 0.5 * q * math.log2(q / m)
    return math.sqrt(max(divergence, 0.0))


def compare_profiles(
    training: Mapping[str, Any], production: Mapping[str, Any], limits: Mapping[str, float], *, training_ref: str,
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """(columns, schema changes) of a production profile against a training profile.

    Raises:
        ValidationError: no column of the batch is a column of the training data.
    """
    trained, seen = _columns(training), _columns(production)
    shared = [name for name in trained if name in seen]
    if not shared:
        raise ValidationError(
            f"the batch's columns ({', '.join(seen) or 'none'}) match none of the columns of {training_ref} "
            f"({', '.join(trained) or 'none'}): is this the data the deployed model is fed?"
        )
    schema = {"missing": [n for n in trained if n not in seen], "added": [n for n in seen if n not in trained],
              "changed": [n for n in shared if trained[n] != seen[n]]}
    columns: dict[str, dict[str, Any]] = {}
    for name in trained:
        if name in schema["missing"] or name in schema["changed"]:
            change = "missing from the batch" if name in schema["missing"] else f"{trained[name]} -> {seen[name]}"
            checks = [_check("schema", 1.0, 0.0, change=change)]
        else:
            checks = _column_checks(name, trained[name], training, production, limits)
        worst: dict[str, Any] = max(checks, key=_excess)
        columns[name] = {**worst, "checks": checks}
    return columns, schema


def _columns(profile: Mapping[str, Any]) -> dict[str, str]:
    """Column -> kind (numeric, categorical or other) of a profile."""
    stats, categorical = profile.get("stats") or {}, profile.get("categorical") or {}
    names = [c["name"] for c in profile.get("schema") or [] if isinstance(c, dict) and "name" in c]
    names = names or [*stats, *categorical]
    return {n: "numeric" if n in stats else "categorical" if n in categorical else "other" for n in names}


def _column_checks(
    name: str, kind: str, training: Mapping[str, Any], production: Mapping[str, Any], limits: Mapping[str, float]
) -> list[dict[str, Any]]:
    checks = []
    if kind == "numeric":
        expected, actual = cdf_of(training["stats"][name]), cdf_of(production["stats"][name])
        if expected is not None and actual is not None:
            checks.append(_check("psi", psi(expected, actual), limits["psi"]))
            checks.append(_check("ks", ks(expected, actual), limits["ks"]))
    elif kind == "categorical":
        expected_counts = category_distribution(training["categorical"][name])
        actual_counts = category_distribution(production["categorical"][name])
        if expected_counts is not None and actual_counts is not None:
            checks.append(_check("js", jensen_shannon(expected_counts, actual_counts), limits["js"]))
    rates = [_null_rate(p, name) for p in (training, production)]
    if None not in rates:
        checks.append(_check("null_rate", abs(rates[1] - rates[0]), limits["null_rate"],  # type: ignore[operator]  # None ruled out just above
                             training_rate=rates[0], production_rate=rates[1]))
    return checks or [_check("schema", 0.0, 0.0, change="nothing to compare")]


def _null_rate(profile: Mapping[str, Any], name: str) -> float | None:
    rows, missing = profile.get("rows"), (profile.get("missing") or {}).get(name)
    if not isinstance(rows, int) or not rows or not isinstance(missing, int):
        return None
    return missing / rows


def _check(test: str, statistic: float, threshold: float, **extra: Any) -> dict[str, Any]:
    statistic = round(float(statistic), 6)
    return {"test": test, "statistic": statistic, "threshold": threshold, "drifted": statistic > threshold, **extra}


def _excess(check: dict[str, Any]) -> tuple[bool, float]:
    """Order checks by how far past (or short of) their threshold they are; drifted ones first."""
    threshold = check["threshold"]
    ratio = check["statistic"] / threshold if threshold else (math.inf if check["statistic"] else 0.0)
    return check["drifted"], ratio
