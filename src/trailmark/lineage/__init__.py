"""The lineage graph returned by ``store.lineage``, and its renderings."""

from trailmark.lineage._graph import Lineage

__all__ = ["Lineage"]
