"""Wall time, CPU time and peak memory of a run, measured without being asked."""

from __future__ import annotations

import sys
import time
from typing import Any


class ResourceMeter:
    """Started at the beginning of a run; ``read()`` gives what it used so far."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def read(self) -> dict[str, Any]:
        used: dict[str, Any] = {
            "wall_seconds": round(time.perf_counter() - self._wall, 6),
            "cpu_seconds": round(time.process_time() - self._cpu, 6),
        }
        peak = _peak_memory_bytes()
        if peak is not None:
            used["peak_memory_bytes"] = peak
        return used


def _peak_memory_bytes() -> int | None:
    """The process's peak resident memory (kilobytes on Linux, bytes on macOS)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024
