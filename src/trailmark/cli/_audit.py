"""``audit verify`` and ``audit log``: prove the record is intact, and read it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from trailmark.cli._app import open_store
from trailmark.cli._render import console, print_json, when
from trailmark.errors import TrailmarkError

audit = typer.Typer(help="Verify and read the tamper-evident audit log.", no_args_is_help=True)


@audit.command()
def verify(
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="SEQ:HASH printed by an earlier verify, kept elsewhere.")
    ] = None,
) -> None:
    """Recompute the hash chain; exit 1 naming the first bad entry. In Python: store.audit.verify()."""
    with open_store() as store:
        report = store.audit.verify(anchor=anchor)
    if not report.ok:
        raise TrailmarkError(f"audit log broken at seq {report.first_bad}: {report.reason}")
    if report.checked == 0:
        console.print("audit log verified: no entries yet")
        return
    console.print(f"audit log verified: {report.checked} entries, head {report.head_seq}:{report.head_hash}")


@audit.command()
def log(
    target: Annotated[str | None, typer.Option("--target", help="Only entries about this reference.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only entries by this user.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="An ISO date or time, or a duration back such as 7d.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100000, help="How many of the newest entries.")] = 100,
    json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Show audit entries, oldest first. In Python: store.audit.log(target=..., actor=..., since=...)."""
    with open_store() as store:
        entries = store.audit.log(target=target, actor=actor, since=since, limit=limit)
    if json:
        print_json(entries)
        return
    table = Table()
    for column in ("seq", "time", "actor", "action", "target", "project", "hash"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(str(e.seq), when(e.time), e.actor, e.action, e.target, e.project or "", e.hash[:12])
    console.print(table)
