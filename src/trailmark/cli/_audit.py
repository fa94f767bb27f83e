"""``audit verify`` and ``audit log``: prove the record is intact, and read it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from trailmark.cli._app import open_store
from trailmark.cli._listing import Column, ListFormat, emit
from trailmark.cli._lists import FORMAT_HELP
from trailmark.cli._render import console, print_json, when
from trailmark.entities import to_dict
from trailmark.errors import TrailmarkError

audit = typer.Typer(help="Verify and read the tamper-evident audit log.", no_args_is_help=True)


@audit.command()
def verify(
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="SEQ:HASH printed by an earlier verify, kept elsewhere.")
    ] = None,
    anchor_file: Annotated[
        Path | None,
        typer.Option("--anchor-file", help="A file kept outside the store: its last SEQ:HASH line is checked, "
                     "and the new head is appended after a good verify."),
    ] = None,
    deep: Annotated[
        bool, typer.Option("--deep", help="Also re-hash every artifact and execution against its audited state.")
    ] = False,
) -> None:
    """Recompute the hash chain; exit 1 naming the first bad entry. In Python: store.audit.verify(deep=...)."""
    if anchor is None and anchor_file is not None:
        anchor = _last_anchor(anchor_file)
    with open_store() as store:
        report = store.audit.verify(anchor=anchor, deep=deep)
    if not report.ok:
        raise TrailmarkError(f"audit log broken at seq {report.first_bad}: {report.reason}")
    if report.checked == 0:
        console.print("audit log verified: no entries yet")
        return
    rows = f", {report.rows} rows re-hashed" if report.rows is not None else ""
    console.print(f"audit log verified: {report.checked} entries{rows}, head {report.head_seq}:{report.head_hash}")
    if anchor_file is not None and report.head_seq is not None:
        with anchor_file.open("a", encoding="utf-8") as out:
            out.write(f"{report.head_seq}:{report.head_hash}\n")


def _last_anchor(path: Path) -> str | None:
    """The last SEQ:HASH line of an anchor file (None when the file does not exist yet)."""
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TrailmarkError(f"cannot read anchor file {path}: {exc}") from exc
    return lines[-1] if lines else None


@audit.command()
def usage(
    ref: Annotated[str, typer.Argument(help="The node: dataset:customers@1, exec:42...")],
    format: Annotated[ListFormat, typer.Option("--format", help=FORMAT_HELP)] = ListFormat.table,
) -> None:
    """Who read a node and which executions consumed it, and when. In Python: store.audit.usage(REF)."""
    with open_store() as store:
        found = store.audit.usage(ref)
    columns = [Column("when"), Column("action"), Column("actor", key=True), Column("execution", key=True)]
    rows = [[when(u.at), u.action, u.actor, f"{u.execution} ({u.name})" if u.execution and u.name
             else (u.execution or "")] for u in found]
    emit(columns, rows, [dataclasses.asdict(u) for u in found], format, empty=f"no recorded use of {ref}")


@audit.command()
def log(
    target: Annotated[str | None, typer.Option("--target", help="Only entries about this reference.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only entries by this user.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="An ISO date or time, or a duration back such as 7d.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100000, help="How many of the newest entries.")] = 100,
    format: Annotated[ListFormat, typer.Option("--format", help=FORMAT_HELP)] = ListFormat.table,
    json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
) -> None:
    """Show audit entries, oldest first. In Python: store.audit.log(target=..., actor=..., since=...)."""
    with open_store() as store:
        entries = store.audit.log(target=target, actor=actor, since=since, limit=limit)
    if json:
        print_json(entries)
        return
    columns = [Column("seq", justify="right"), Column("action", key=True), Column("target", key=True),
               Column("actor"), Column("time"), Column("project"), Column("hash")]
    rows = [[str(e.seq), e.action, e.target, e.actor, when(e.time), e.project or "", e.hash[:12]] for e in entries]
    emit(columns, rows, [to_dict(e) for e in entries], format, empty="no audit entries match")
