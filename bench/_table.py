"""The rows of the results table, shared by the terminal and the Markdown page."""

from __future__ import annotations

from dataclasses import dataclass

from bench._result import Result
from bench._targets import ANCHOR_NAMES, TRAILMARK, cpu_speedup, speedup


@dataclass(frozen=True)
class Row:
    case: str
    backend: str
    cells: list[str]   # Trailmark, then each anchor's figure, then each speedup


def anchors_in(results: list[Result], workload: str) -> list[str]:
    """The anchors that measured ``workload``, in the usual order."""
    return [t for t in ANCHOR_NAMES if any(r.workload == workload and r.tool == t for r in results)]


def headers(anchors: list[str]) -> list[str]:
    names = [ANCHOR_NAMES[a] for a in anchors]
    return ["case", "backend", "Trailmark", *names, *(f"x {n}" for n in names)]


def rows(results: list[Result], workload: str, anchors: list[str]) -> list[Row]:
    """One row per Trailmark case and backend, with the anchors' figures and speedups beside it."""
    mine = [r for r in results if r.workload == workload]
    by_case = {(r.case, r.tool): r for r in mine if r.tool != TRAILMARK}
    found = []
    for ours in (r for r in mine if r.tool == TRAILMARK):
        theirs = [by_case.get((ours.case, tool)) for tool in anchors]
        cells = [figure(ours), *(figure(t) if t else "-" for t in theirs),
                 *(_speedups(ours, t) if t else "-" for t in theirs)]
        found.append(Row(ours.case, ours.backend, cells))
    compared = {r.case for r in mine if r.tool == TRAILMARK}
    for r in mine:
        if r.tool != TRAILMARK and r.case not in compared:
            cells = ["-", *(figure(r) if tool == r.tool else "-" for tool in anchors), *("-" for _ in anchors)]
            found.append(Row(r.case, r.backend, cells))
    return found


def _speedups(ours: Result, theirs: Result) -> str:
    cpu = cpu_speedup(ours, theirs)
    return f"{speedup(ours, theirs):,.1f}x" + (f" (CPU {cpu:,.1f}x)" if cpu is not None else "")


def figure(result: Result) -> str:
    """The median with its unit; latencies add their 95th percentile."""
    if result.unit == "ms":
        return f"{result.median:,.2f} ms (p95 {result.p95:,.2f})"
    return f"{result.median:,.0f} {result.unit}"
