"""``runs`` (the list, as a tree of nested runs) and ``runs reap``; ``delete``, ``restore``, ``describe``, ``tags``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from trailmark.cli import _rows
from trailmark.cli._app import app, open_store
from trailmark.cli._listing import ListFormat
from trailmark.cli._lists import FORMAT_HELP
from trailmark.cli._render import console, duration
from trailmark.cli._reuse import cached_listing, saved_seconds
from trailmark.entities import Execution
from trailmark.store import _validate

runs_app = typer.Typer(help="List runs (executions); `runs reap` ends those whose process died.")
tags_app = typer.Typer(help="The tags of a node: list, set, delete.", no_args_is_help=True)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@runs_app.callback(invoke_without_command=True)
def runs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="How many to list.")] = 20,
    type: Annotated[str | None, typer.Option("--type", help="Only executions of this type (Train, Deploy...).")] = None,
    experiment: Annotated[str | None, typer.Option("--experiment", help="Only runs of this experiment.")] = None,
    deleted: Annotated[bool, typer.Option("--deleted", help="Soft-deleted runs too, marked.")] = False,
    cached: Annotated[bool, typer.Option("--cached", help="Only runs served from the cache, time saved.")] = False,
    format: Annotated[ListFormat, typer.Option("--format", help=FORMAT_HELP)] = ListFormat.table,
) -> None:
    """List executions, newest first, nested ones under their parent. In Python: store.search(F, kind="executions")."""
    if ctx.invoked_subcommand is not None:
        return
    parts = [f"type = '{_validate.type_name(type)}'"] if type else []
    if experiment:
        parts.append(f"experiment = {_quoted(experiment)}")
    if cached:
        parts.append("cached_from IS NOT NULL")
    with open_store() as store:
        page = store.search(" and ".join(parts), kind="executions", order_by=["started desc"], limit=limit,
                            include_deleted=deleted)
        ordered = tree_order(page.items)
        latest = [store.latest_metrics(e) for e, _ in ordered]
        saved = saved_seconds(store, page.items) if cached else None
    empty = "no runs yet: try `trailmark demo`" if not parts else "no runs match"
    if saved is not None:
        _rows.show(cached_listing(page.items, saved), format, empty=empty,
                   caption=f"time saved: {duration(sum(s or 0.0 for s in saved.values()))} in {len(page.items)} runs")
        return
    runs = [e for e, _ in ordered]
    _rows.show(_rows.executions(runs, metrics=latest, names=[_shown(e, depth) for e, depth in ordered]),
               format, empty=empty)


def tree_order(items: Sequence[Execution]) -> list[tuple[Execution, int]]:
    """Runs in the given order, each child right under its parent (when listed), with its depth."""
    listed = {e.id for e in items}
    children: dict[int, list[Execution]] = {}
    for e in items:
        if e.parent_id is not None and e.parent_id in listed:
            children.setdefault(e.parent_id, []).append(e)
    ordered: list[tuple[Execution, int]] = []
    stack = [(e, 0) for e in reversed(items) if e.parent_id not in listed]
    while stack:
        execution, depth = stack.pop()
        ordered.append((execution, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(execution.id, [])))
    return ordered


def _shown(execution: Execution, depth: int) -> str:
    """The name as listed: indented under its parent, a deleted one marked."""
    name = ("  " * (depth - 1) + "└ " if depth else "") + execution.name
    return name + " (deleted)" if execution.lifecycle == "deleted" else name


@runs_app.command("reap")
def reap(
    older_than: Annotated[str, typer.Option("--older-than", help="Heartbeat age: 90s, 10m, 2h, 7d.")] = "10m",
) -> None:
    """End as FAILED the RUNNING runs whose heartbeat stopped. In Python: store.reap(older_than=...)."""
    with open_store() as store:
        reaped = store.reap(older_than=older_than)
    if not reaped:
        console.print(f"no RUNNING run has gone {older_than} without a heartbeat")
        return
    for execution in reaped:
        console.print(f"{execution.ref} {execution.name}: FAILED, {execution.error}", highlight=False)


@app.command()
def delete(ref: Annotated[str, typer.Argument(help="The node to soft-delete: exec:ID, model:NAME@3...")]) -> None:
    """Soft-delete a node: hidden from search, runs and models; `restore` undoes it. In Python: store.delete(REF)."""
    with open_store() as store:
        node = store.delete(ref)
    console.print(f"deleted {node.ref} (undo: trailmark restore {node.ref})", highlight=False)


@app.command()
def restore(ref: Annotated[str, typer.Argument(help="The soft-deleted node to bring back.")]) -> None:
    """Bring back a soft-deleted node. In Python: store.restore(REF)."""
    with open_store() as store:
        node = store.restore(ref)
    console.print(f"restored {node.ref}", highlight=False)


@app.command()
def describe(
    ref: Annotated[str, typer.Argument(help="Any node: exec:ID, run:UID, model:NAME@2...")],
    text: Annotated[str, typer.Argument(help="The note; '' clears it.")],
) -> None:
    """Set the note (description) of a node: audited, not a new version. In Python: store.set_description(REF, TEXT)."""
    with open_store() as store:
        node = store.set_description(ref, text)
    console.print(f"{node.ref}: {'description set' if node.description else 'description cleared'}", highlight=False)


@tags_app.command("list")
def tags_list(ref: Annotated[str, typer.Argument(help="Any node.")]) -> None:
    """The tags of a node. In Python: store.tags(REF)."""
    with open_store() as store:
        found = store.tags(ref)
    for key, value in found.items():
        console.print(f"{key}={value}", highlight=False)


@tags_app.command("set")
def tags_set(
    ref: Annotated[str, typer.Argument(help="Any node.")],
    key: Annotated[str, typer.Argument(help="The tag.")],
    value: Annotated[str, typer.Argument(help="Its value.")],
) -> None:
    """Set a tag on a node. In Python: store.set_tag(REF, KEY, VALUE)."""
    with open_store() as store:
        store.set_tag(ref, key, value)


@tags_app.command("delete")
def tags_delete(
    ref: Annotated[str, typer.Argument(help="Any node.")],
    key: Annotated[str, typer.Argument(help="The tag to remove.")],
) -> None:
    """Remove a tag from a node. In Python: store.delete_tag(REF, KEY)."""
    with open_store() as store:
        store.delete_tag(ref, key)
