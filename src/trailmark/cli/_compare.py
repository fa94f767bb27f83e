"""``compare`` as a table: one row per compared value, a differing row marked ``*`` (seen without colour)."""

from __future__ import annotations

from typing import Any

from trailmark.cli._listing import Column, table
from trailmark.cli._render import console, number
from trailmark.compare import MISSING, Comparison

MARK = "*"


def _value(value: Any) -> str:
    return "—" if value is MISSING else number(value)


def print_comparison(comparison: Comparison) -> None:
    """Fields and refs are never cut; values and notes are, with an ellipsis, to fit the width."""
    columns = [Column("", key=True), Column("field", key=True), *(Column(ref) for ref in comparison.refs),
               Column("note")]
    rows = [[MARK if row.differs else "", f"{row.section}.{row.key}", *map(_value, row.values), row.note]
            for row in comparison.rows]
    caption = f"{len(comparison.differences)} of {len(comparison.rows)} rows differ, marked {MARK}"
    out = table(columns, rows, title=f"{comparison.kind}: {' vs '.join(comparison.refs)}", caption=caption)
    for index, row in enumerate(comparison.rows):
        out.rows[index].style = "bold yellow" if row.differs else "dim"
    console.print(out)
