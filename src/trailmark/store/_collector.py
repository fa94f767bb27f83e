"""Python's cycle collector paused while a large result is built.

A lineage walk of 10,000 nodes makes tens of thousands of small objects (rows, edges, dicts),
all of them kept: each collector pass that their allocation sets off traverses them again, and
the young ones, for nothing to free; on such a walk that costs more than building it. Paused,
the collector looks at them once, on its next pass after the build.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside the block; the collector runs again after it (unless it was off already)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
