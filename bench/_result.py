"""One measured figure, in the shape every workload and anchor script reports."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    """Samples of one case of one workload, on one tool and backend.

    ``case`` names the same work across tools ("search", "runs"...); ``samples`` are
    throughputs (``higher_is_better``) or latencies in milliseconds, on the wall clock;
    ``cpu_samples`` are the same on the measuring process's CPU time (see ``_timing.Samples``).
    """

    workload: str
    case: str
    tool: str
    backend: str
    unit: str
    higher_is_better: bool
    samples: list[float]
    size: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    cpu_samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_samples) if self.cpu_samples else None

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["median"] = self.median
        data["p95"] = self.p95
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


def merge(results: list[Result]) -> list[Result]:
    """One result per workload, case, tool and backend, pooling the samples of several rounds."""
    merged: dict[tuple[str, str, str, str], Result] = {}
    for r in results:
        key = (r.workload, r.case, r.tool, r.backend)
        if key in merged:
            merged[key].samples.extend(r.samples)
            merged[key].cpu_samples.extend(r.cpu_samples)
            merged[key].extra.update(r.extra)
        else:
            merged[key] = r
    return list(merged.values())


def percentile(samples: list[float], pct: float) -> float:
    """The ``pct`` percentile by linear interpolation between the closest ranks."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
