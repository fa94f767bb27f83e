"""Trailmark's benchmark harness: the same workloads on Trailmark, MLflow and ML Metadata.

Run it with ``python -m bench`` (see ``docs/benchmarks.md``). This package and
``bench.anchors`` import only the standard library at the top level, so the anchors'
scripts can run in their own virtual environments.
"""
