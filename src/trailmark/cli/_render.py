"""Rich output for the commands: consoles, tables of entities, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from trailmark.entities import Artifact, Execution, Node, dumps

console = Console(highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    """Plain JSON on stdout (no colour, so it pipes into jq)."""
    text = value if isinstance(value, str) else dumps(value)
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _short(value: Any, width: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


def when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""


def artifacts_table(items: Iterable[Artifact], *, title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("ref", "id", "digest", "uri", "created"):
        table.add_column(column, overflow="fold")
    for a in items:
        table.add_row(a.ref, str(a.id), a.digest[:19], _short(a.uri or ""), when(a.created_at))
    return table


def executions_table(items: Iterable[Execution], *, metrics: Sequence[dict[str, float]] | None = None) -> Table:
    table = Table(show_lines=False)
    for column in ("ref", "type", "name", "status", "started", "duration", "params", "metrics"):
        table.add_column(column, overflow="fold")
    rows = list(items)
    for index, e in enumerate(rows):
        duration = f"{e.duration:.2f}s" if e.duration is not None else ""
        shown = metrics[index] if metrics else {}
        table.add_row(
            e.ref, e.type, e.name, _status(e.status.value), when(e.started_at), duration,
            _short(e.params), _short({k: round(v, 6) for k, v in shown.items()}),
        )
    return table


def _status(value: str) -> str:
    color = {"COMPLETE": "green", "FAILED": "red"}.get(value, "yellow")
    return f"[{color}]{value}[/{color}]"


def node_table(node: Node) -> Table:
    """Every field of one node, as a two-column table."""
    table = Table(show_header=False, box=None)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    fields: dict[str, Any] = {"ref": node.ref, "id": node.id, "type": node.type, "name": node.name}
    if isinstance(node, Artifact):
        fields.update(version=node.version, digest=node.digest, uri=node.uri, properties=node.properties,
                      created=when(node.created_at), created_by=node.created_by)
    else:
        fields.update(status=_status(node.status.value), params=node.params, started=when(node.started_at),
                      ended=when(node.ended_at), duration=node.duration, resources=node.resources,
                      error=node.error, environment={k: v for k, v in node.environment.items() if k != "packages"},
                      created_by=node.created_by, uid=node.uid,
                      parent=f"exec:{node.parent_id}" if node.parent_id else None,
                      heartbeat=when(node.heartbeat_at) if node.status.value == "RUNNING" else None)
    fields.update(description=node.description, lifecycle=node.lifecycle if node.lifecycle != "active" else None)
    for key, value in fields.items():
        if value in (None, {}, ""):
            continue
        text = json.dumps(value, indent=1, default=str) if isinstance(value, (dict, list)) else str(value)
        table.add_row(key, text)
    return table
