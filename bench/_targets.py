"""The issue's targets, and how Trailmark's figures compare with the anchors'."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bench._result import Result

TRAILMARK = "trailmark"
ANCHOR_NAMES = {"mlflow": "MLflow", "mlmd": "ML Metadata"}

# (workload, case, anchor, least speedup over the anchor)
SPEEDUPS = [
    ("W1", "runs", "mlflow", 10),
    ("W1", "points_single", "mlflow", 100),
    ("W1", "points_batched", "mlflow", 20),
    ("W1", "graph_writes", "mlmd", 10),
]
# (workload, case, bound on Trailmark's median: at least it for rates, below it for ms)
BOUNDS = [
    ("W1", "points_batched", 100_000),
    ("W2", "search", 20),
    ("W3", "chain down all", 50),
    ("W3", "chain up all", 50),
    ("W3", "fanout down d10", 10),
    ("W3", "fanout down all", 10),
    ("W4", "capture", 1_000),
    ("W6", "similar", 100),
]


@dataclass(frozen=True)
class Verdict:
    workload: str
    case: str
    backend: str
    target: str
    measured: str
    met: bool          # judged on the wall clock, as the issue states the targets
    cpu_measured: str  # the same figure on CPU time, where all the work is in-process; else ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def speedup(ours: Result, theirs: Result) -> float:
    """How many times faster Trailmark is (above 1: faster), whether the unit is a rate or a latency."""
    return _faster(ours.median, theirs.median, ours.higher_is_better)


def cpu_speedup(ours: Result, theirs: Result) -> float | None:
    """The same on CPU time, when both were measured in-process."""
    if ours.cpu_median is None or theirs.cpu_median is None:
        return None
    return _faster(ours.cpu_median, theirs.cpu_median, ours.higher_is_better)


def _faster(ours: float, theirs: float, higher_is_better: bool) -> float:
    return ours / theirs if higher_is_better else theirs / ours


def ratios(results: list[Result]) -> list[dict[str, Any]]:
    """Trailmark's speedup over each anchor, for every case both measured."""
    anchors = {(r.workload, r.case, r.tool): r for r in results if r.tool != TRAILMARK}
    found = []
    for ours in (r for r in results if r.tool == TRAILMARK):
        for tool in ANCHOR_NAMES:
            theirs = anchors.get((ours.workload, ours.case, tool))
            if theirs is not None:
                found.append({"workload": ours.workload, "case": ours.case, "backend": ours.backend,
                              "anchor": tool, "speedup": speedup(ours, theirs),
                              "cpu_speedup": cpu_speedup(ours, theirs)})
    return found


def judge(results: list[Result]) -> list[Verdict]:
    """Every target the results let us judge, met or not."""
    ours = [r for r in results if r.tool == TRAILMARK]
    anchors = {(r.workload, r.case, r.tool): r for r in results if r.tool != TRAILMARK}
    verdicts = []
    for workload, case, tool, least in SPEEDUPS:
        for r in (r for r in ours if (r.workload, r.case) == (workload, case)):
            theirs = anchors.get((workload, case, tool))
            if theirs is not None:
                ratio, on_cpu = speedup(r, theirs), cpu_speedup(r, theirs)
                verdicts.append(Verdict(workload, case, r.backend, f">= {least}x {ANCHOR_NAMES[tool]}",
                                        f"{ratio:,.1f}x", ratio >= least, f"{on_cpu:,.1f}x" if on_cpu else ""))
    for workload, case, bound in BOUNDS:
        for r in (r for r in ours if (r.workload, r.case) == (workload, case)):
            met = r.median >= bound if r.higher_is_better else r.median < bound
            sign = ">=" if r.higher_is_better else "<"
            cpu_figure = f"{r.cpu_median:,.1f} {r.unit}" if r.cpu_median is not None else ""
            verdicts.append(Verdict(workload, case, r.backend, f"{sign} {bound:,} {r.unit}",
                                    f"{r.median:,.1f} {r.unit}", met, cpu_figure))
    verdicts += _capture(ours) + _concurrency(ours)
    return verdicts


def _capture(ours: list[Result]) -> list[Verdict]:
    verdicts = []
    for r in (r for r in ours if r.workload == "W4"):
        share = r.extra["metadata_share"]
        verdicts.append(Verdict("W4", r.case, r.backend, "metadata <= 1% of data", f"{share:.4%}", share <= 0.01, ""))
        covers = r.extra["digest_covers_all_rows"]
        verdicts.append(Verdict("W4", r.case, r.backend, "digest covers every row", "yes" if covers else "no", covers,
                                ""))
    return verdicts


def _concurrency(ours: list[Result]) -> list[Verdict]:
    verdicts = []
    by_backend: dict[str, list[Result]] = {}
    for r in (r for r in ours if r.workload == "W5"):
        by_backend.setdefault(r.backend, []).append(r)
        errors = r.extra["errors"]
        verdicts.append(Verdict("W5", r.case, r.backend, "0 errors", str(errors), errors == 0, ""))
    for backend, found in by_backend.items():
        found.sort(key=lambda r: int(r.case.split()[0]))
        one, most = found[0], found[-1]
        peak = max(found, key=lambda r: r.median)
        ratio = most.median / one.median
        verdicts.append(Verdict("W5", f"{one.case} -> {most.case}", backend, "writes/s grow with writers",
                                f"{ratio:.2f}x (peak {peak.median / one.median:.2f}x at {peak.case})",
                                ratio >= 1.0, ""))
    return verdicts
