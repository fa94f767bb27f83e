"""The columns, display rows and raw records of the run, artifact and model listings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trailmark.cli._listing import Column, ListFormat, emit
from trailmark.cli._render import duration, figures, number, status, when
from trailmark.entities import Artifact, Execution

Listing = tuple[list[Column], list[list[str]], list[dict[str, Any]]]


def executions(items: Sequence[Execution], *, metrics: Sequence[dict[str, float]] | None = None,
               names: Sequence[str] | None = None, first: Sequence[str] = ()) -> Listing:
    """Runs: ref, name, status, the metrics named in ``first`` as columns (never dropped: a filter
    or ordering named them), the other metrics, then the less important columns. ``names``: the
    names as listed (indented under a parent)."""
    shown = list(metrics) if metrics is not None else [{} for _ in items]
    columns = [Column("ref", key=True), Column("name", key=True), Column("status"),
               *(Column(m, key=True, justify="right") for m in first), Column("metrics"),
               Column("duration", justify="right"), Column("started"), Column("type"), Column("params")]
    rows, records = [], []
    for index, e in enumerate(items):
        latest = shown[index]
        rest = {k: v for k, v in latest.items() if k not in first}
        rows.append([e.ref, names[index] if names else e.name, status(e.status.value),
                     *(number(latest[m]) if m in latest else "" for m in first), figures(rest),
                     duration(e.duration), when(e.started_at), e.type, figures(e.params)])
        records.append({"ref": e.ref, "id": e.id, "uid": e.uid, "type": e.type, "name": e.name,
                        "status": e.status.value, "started": e.started_at, "ended": e.ended_at,
                        "duration": e.duration, "parent": f"exec:{e.parent_id}" if e.parent_id else None,
                        "lifecycle": e.lifecycle, "params": e.params, "metrics": latest})
    return columns, rows, records


def artifacts(items: Sequence[Artifact], *, properties: Sequence[str] = (),
              metrics: Sequence[dict[str, float]] | None = None, first: Sequence[str] = ()) -> Listing:
    """Artifacts: ref, the metrics named in ``first`` and the properties named in ``properties`` as
    columns, then created, digest, uri."""
    shown = list(metrics) if metrics is not None else [{} for _ in items]
    columns = [Column("ref", key=True), *(Column(m, key=True, justify="right") for m in first),
               *(Column(p, justify="right") for p in properties), Column("created"), Column("digest"), Column("uri")]
    rows = [[a.ref, *(number(latest[m]) if m in latest else "" for m in first),
             *(number(a.properties.get(p, "")) for p in properties), when(a.created_at), a.digest[:19],
             a.uri or ""] for a, latest in zip(items, shown, strict=True)]
    records = [{"ref": a.ref, "id": a.id, "type": a.type, "name": a.name, "version": a.version, "digest": a.digest,
                "uri": a.uri, "created": a.created_at, "lifecycle": a.lifecycle, "properties": a.properties}
               for a in items]
    return columns, rows, records


def models(items: Sequence[Artifact], aliases: dict[str, dict[str, int]], *,
           metrics: Sequence[dict[str, float]] | None = None, first: Sequence[str] = ()) -> Listing:
    """Model versions: name, version, aliases, the metrics named in ``first``, created, ref, digest."""
    shown = list(metrics) if metrics is not None else [{} for _ in items]
    columns = [Column("model", key=True), Column("version", justify="right"), Column("aliases"),
               *(Column(m, key=True, justify="right") for m in first), Column("created"), Column("ref"),
               Column("digest")]
    rows, records = [], []
    for model, latest in zip(items, shown, strict=True):
        tags = sorted(a for a, v in aliases.get(model.name, {}).items() if v == model.version)
        rows.append([model.name, str(model.version), ", ".join(tags),
                     *(number(latest[m]) if m in latest else "" for m in first),
                     when(model.created_at), model.ref, model.digest[:19]])
        records.append({"model": model.name, "version": model.version, "aliases": tags, "ref": model.ref,
                        "id": model.id, "digest": model.digest, "uri": model.uri, "created": model.created_at,
                        **({"metrics": latest} if metrics is not None else {})})
    return columns, rows, records


def show(listing: Listing, format: ListFormat, *, empty: str, title: str | None = None,
         caption: str | None = None) -> None:
    columns, rows, records = listing
    emit(columns, rows, records, format, empty=empty, title=title, caption=caption)
