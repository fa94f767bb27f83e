"""The command line every anchor script shares: ``WORKLOAD SIZES_JSON WORKDIR`` -> JSON results."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from bench._result import Result
from bench._sizes import Sizes

Workload = Callable[[Sizes, Path], list[Result]]


def main(workloads: dict[str, Workload]) -> None:
    """Run the workload named on the command line and print its results as the last line."""
    logging.basicConfig(level=logging.WARNING)
    name, sizes, workdir = sys.argv[1], Sizes.from_json(json.loads(sys.argv[2])), Path(sys.argv[3])
    if name not in workloads:
        sys.exit(f"unknown workload {name!r}: choose from {', '.join(workloads)}")
    results = workloads[name](sizes, workdir)
    sys.stdout.flush()
    print(json.dumps([r.to_json() for r in results]), flush=True)
