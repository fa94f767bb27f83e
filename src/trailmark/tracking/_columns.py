"""Column lineage from what capture knows: a logged model's ColumnTransformer, back to the run's inputs."""

from __future__ import annotations

from trailmark.capture._column_map import column_map
from trailmark.entities import Artifact, ColumnEdge, Execution
from trailmark.store import Store


def record_model_columns(store: Store, execution: Execution, model: Artifact) -> list[ColumnEdge]:
    """Link each feature of ``model`` to the column of the run's input dataset it was computed from."""
    mapping = column_map(model.properties)
    if not mapping:
        return []
    inputs = [a for a in store.lineage(execution, direction="upstream", depth=1).artifacts() if a.id != model.id]
    columns = {a.ref: {str(c.get("name")) for c in a.properties.get("schema") or [] if isinstance(c, dict)}
               for a in inputs}
    edges = [ColumnEdge(ref, source, model.ref, feature, how)
             for source, feature, how in mapping for ref, names in columns.items() if source in names]
    if edges:
        store.log_column_lineage(edges, execution=execution)
    return edges
