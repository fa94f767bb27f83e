"""Reuse: steps that skip work already done, and datasets like a given one (see docs/reuse.md)."""

from __future__ import annotations

from trailmark.reuse._entities import Similar, TrainedModel

__all__ = ["Similar", "TrainedModel"]
