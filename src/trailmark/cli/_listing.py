"""Listings that fit the terminal (or 80 columns in a pipe) and also print as JSON or CSV.

A listing is a few columns in order of importance. Key columns (names, refs) are never cut:
when the table is too wide the least important other columns go first, then the rest are cut
with an ellipsis. ``--format json`` prints the records (raw values), ``--format csv`` the same
records as CSV, one row each.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import io
import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import JustifyMethod
from rich.table import Table

from trailmark.cli._render import console, print_json

_MIN_CUT = 8  # a cut column keeps at least this many characters (with its ellipsis)


class ListFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"


@dataclasses.dataclass(frozen=True)
class Column:
    """``key``: never cut nor dropped; ``justify``: "right" for numbers."""

    header: str
    key: bool = False
    justify: JustifyMethod = "left"


def _natural(column: Column, cells: Sequence[str]) -> int:
    from rich.text import Text

    return max([len(column.header), *(Text.from_markup(c).cell_len for c in cells)])


def fit(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> dict[int, int]:
    """``{column index: width}`` of the columns kept at ``width``: the last non-key columns go until
    the rest fit with each cut column at least _MIN_CUT wide; the space left is shared fairly."""
    natural = {i: _natural(c, [r[i] for r in rows]) for i, c in enumerate(columns)}
    kept = list(natural)

    def floor(i: int) -> int:
        return natural[i] if columns[i].key else min(natural[i], _MIN_CUT)

    room = width - 3 * len(kept) + 3  # between two columns: a space of padding each, and the rule
    while sum(map(floor, kept)) > room and any(not columns[i].key for i in kept):
        kept.remove([i for i in kept if not columns[i].key][-1])
        room += 3
    widths = {i: floor(i) for i in kept}
    spare = room - sum(widths.values())
    growing = sorted((i for i in kept if widths[i] < natural[i]), key=lambda i: natural[i])
    for n, i in enumerate(growing):  # water-filling: narrow columns get all they need first
        share = max(0, spare // (len(growing) - n))
        extra = min(natural[i] - widths[i], share)
        widths[i] += extra
        spare -= extra
    return widths


def table(columns: Sequence[Column], rows: Sequence[Sequence[str]], *, title: str | None = None,
          caption: str | None = None, width: int | None = None) -> Table:
    """A borderless Rich table of the columns that fit ``width`` (default: the console's)."""
    widths = fit(columns, rows, width or console.width)
    out = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                title_justify="left", caption_justify="left")
    for i, cut in widths.items():
        c = columns[i]
        out.add_column(c.header, no_wrap=True, overflow="ellipsis", justify=c.justify,
                       width=cut)
    for row in rows:
        out.add_row(*(row[i] for i in widths))
    return out


def emit(columns: Sequence[Column], rows: Sequence[Sequence[str]], records: Sequence[dict[str, Any]],
         format: ListFormat, *, empty: str, title: str | None = None, caption: str | None = None) -> None:
    """Print a listing: a fitted table, or its records as JSON or CSV (raw values, every field)."""
    if format is ListFormat.json:
        print_json(list(records))
    elif format is ListFormat.csv:
        print_csv(records)
    elif not rows:
        console.print(empty, markup=False)
    else:
        console.print(table(columns, rows, title=title, caption=caption))


def print_csv(records: Sequence[dict[str, Any]]) -> None:
    """Records as CSV with a header; a dict or list value is written as JSON."""
    fields: list[str] = []
    for record in records:
        fields.extend(k for k in record if k not in fields)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: _cell(v) for k, v in record.items()})
    console.file.write(buffer.getvalue())


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value
