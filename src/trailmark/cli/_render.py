"""Rich output for the commands: the console, numbers and durations for display, one node's fields, JSON."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from trailmark.entities import Artifact, Node, dumps

console = Console(highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    """Plain JSON on stdout (no colour, so it pipes into jq)."""
    text = value if isinstance(value, str) else dumps(value)
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def number(value: Any) -> str:
    """A value for display, the one rule for every command: a float to 4 significant digits but
    never fewer than its integer part (``0.4312``, ``12.35``, ``24578``); scientific below 0.0001."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or value == 0:
            return str(value)
        if abs(value) >= 1000:
            return f"{value:.0f}" if abs(value) < 1e15 else f"{value:.4g}"
        return f"{value:.4g}" if abs(value) >= 1e-4 else f"{value:.3e}"
    return value if isinstance(value, str) else json.dumps(value, default=str)


def figures(values: dict[str, Any]) -> str:
    """``rmse=0.4312, r2=0.91``: a dict of params or metrics on one line."""
    return ", ".join(f"{k}={number(v)}" for k, v in values.items())


def duration(seconds: float | None) -> str:
    """The one duration format: ``0.90s``, ``1m 05s``, ``2h 03m`` (empty when unknown)."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.2f}s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""


def status(value: str) -> str:
    color = {"COMPLETE": "green", "FAILED": "red"}.get(value, "yellow")
    return f"[{color}]{value}[/{color}]"


def node_table(node: Node, *, skip: tuple[str, ...] = ()) -> Table:
    """One node's fields, one line each (nested values summarised; ``--format json`` has them all)."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    fields: dict[str, Any] = {"ref": node.ref, "type": node.type, "name": node.name}
    if isinstance(node, Artifact):
        fields.update(digest=node.digest[:19], uri=node.uri,
                      properties={k: v for k, v in node.properties.items() if k not in skip},
                      created=when(node.created_at), created_by=node.created_by)
    else:
        fields.update(status=status(node.status.value), params=node.params, started=when(node.started_at),
                      duration=duration(node.duration), resources=node.resources, error=node.error,
                      created_by=node.created_by, uid=node.uid,
                      parent=f"exec:{node.parent_id}" if node.parent_id else None,
                      heartbeat=when(node.heartbeat_at) if node.status.value == "RUNNING" else None)
    fields.update(description=node.description, lifecycle=node.lifecycle if node.lifecycle != "active" else None)
    for key, value in fields.items():
        if value in (None, {}, ""):
            continue
        table.add_row(key, summary(value) if isinstance(value, (dict, list)) else str(value))
    return table


def summary(value: dict[str, Any] | list[Any]) -> str:
    """A dict or list on one line: scalars shown, nested values counted (``schema=[8 items]``)."""
    if isinstance(value, list):
        return f"({len(value)} items)"
    return ", ".join(f"{k}={summary(v) if isinstance(v, (dict, list)) else number(v)}" for k, v in value.items())
