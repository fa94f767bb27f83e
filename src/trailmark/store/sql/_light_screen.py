"""Restricted labels on a lineage walk's light rows: a node hidden from the reader keeps its place, not its name.

The full nodes are screened (and their reads audited) by :class:`~trailmark.store.sql._guard.Guard`
when a caller loads them; the light rows (``Lineage.reached``) are sent on by the REST route and
the UI graph without loading them, so a node the reader may not see is named ``(restricted)`` there
too. Nothing is audited here: the rows carry no content.
"""

from __future__ import annotations

from trailmark.lineage._graph import Reached
from trailmark.store.sql._guard import PLACEHOLDER_NAME, Guard, labels_of, restricted


def screened(guard: Guard, reached: dict[int, Reached]) -> dict[int, Reached]:
    """``reached`` with the nodes hidden from the guard's reader renamed to the placeholder's name."""
    role = guard.role
    if role is None or not reached:
        return reached
    with guard.scope.read() as conn:
        labels = labels_of(conn, list(reached))
        rules = restricted(conn, guard.scope.project_id) if labels else {}
    hidden = {i for i, found in labels.items() if any(rules[x].rank > role.rank for x in found if x in rules)}
    if not hidden:
        return reached
    return {i: r._replace(name=PLACEHOLDER_NAME) if i in hidden else r for i, r in reached.items()}
