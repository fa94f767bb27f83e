"""Executions or artifacts side by side, with their differences marked.

Built only on the Store protocol (``get``, ``latest_metrics``, ``lineage``, ``packages``),
so it works alike on SQLite, PostgreSQL and a server.

Example:
    >>> comparison = store.compare("exec:12", "exec:15")
    >>> [row.key for row in comparison.differences]
    ['model', 'rmse', 'dataset:housing-raw']
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table

from trailmark.entities import Artifact, Execution
from trailmark.errors import NotFoundError, ValidationError
from trailmark.store import _validate

if TYPE_CHECKING:
    from trailmark.store import Store
    from trailmark.store._protocol import NodeLike

CAPTURE_KEYS = {"rows", "columns", "schema", "stats", "missing", "categorical", "duplicate_rows", "approximate"}


class _Missing:
    """A value one side does not have."""

    def __repr__(self) -> str:
        return "—"


MISSING: Any = _Missing()


@dataclasses.dataclass(frozen=True)
class Row:
    """One compared value: ``values`` holds one entry per node, in the order given."""

    section: str
    key: str
    values: tuple[Any, ...]
    note: str = ""

    @property
    def differs(self) -> bool:
        return any(v != self.values[0] or type(v) is not type(self.values[0]) for v in self.values[1:])

    def to_dict(self) -> dict[str, Any]:
        values = [None if v is MISSING else v for v in self.values]
        return {"section": self.section, "key": self.key, "values": values, "differs": self.differs,
                "note": self.note}


@dataclasses.dataclass(frozen=True)
class Comparison:
    """Rows of values side by side; ``differences`` are the rows whose values are not all equal."""

    kind: str  # "executions" or "artifacts"
    refs: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def differences(self) -> list[Row]:
        return [row for row in self.rows if row.differs]

    def section(self, name: str) -> dict[str, tuple[Any, ...]]:
        """``{key: values}`` of one section, e.g. ``comparison.section("params")``."""
        return {row.key: row.values for row in self.rows if row.section == name}

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "refs": list(self.refs), "rows": [row.to_dict() for row in self.rows],
                "differences": len(self.differences)}

    def __str__(self) -> str:
        header = ["", "field", *self.refs, "note"]
        lines = [["*" if row.differs else "", f"{row.section}.{row.key}", *map(_show, row.values), row.note]
                 for row in self.rows]
        widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(len(header))]
        text = ["  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()
                for cells in [header, *lines]]
        return "\n".join([*text, f"({len(self.differences)} of {len(self.rows)} rows differ, marked *)"])

    __repr__ = __str__

    def __rich__(self) -> Table:
        table = Table(title=f"{self.kind}: {' vs '.join(self.refs)}", caption=f"{len(self.differences)} differ")
        table.add_column("field", style="bold")
        for ref in self.refs:
            table.add_column(ref, overflow="fold")
        table.add_column("note", style="italic")
        section = None
        for row in self.rows:
            if section is not None and row.section != section:
                table.add_section()
            section = row.section
            table.add_row(f"{row.section}.{row.key}", *map(_show, row.values), row.note,
                          style="bold yellow" if row.differs else "dim")
        return table


def compare(store: Store, refs: Sequence[NodeLike]) -> Comparison:
    """Compare two or more executions, or two or more artifacts.

    Raises:
        ValidationError: fewer than two references, or executions mixed with artifacts.
    """
    _validate.count(refs, "references to compare", _validate.MAX_COMPARE)
    if len(refs) < 2:
        raise ValidationError(f"compare needs two or more references, got {len(refs)}")
    nodes = [store.get(ref) for ref in refs]
    kinds = {type(node) for node in nodes}
    if len(kinds) > 1:
        listed = ", ".join(f"{n.ref} ({n.kind})" for n in nodes)
        raise ValidationError(f"cannot compare executions with artifacts: {listed}")
    names = tuple(node.ref for node in nodes)
    executions = [n for n in nodes if isinstance(n, Execution)]
    if executions:  # one kind (checked above): all of them
        return Comparison("executions", names, tuple(_executions(store, executions)))
    return Comparison("artifacts", names, tuple(_artifacts(store, [n for n in nodes if isinstance(n, Artifact)])))


# -- executions --------------------------------------------------------------------------


def _executions(store: Store, runs: list[Execution]) -> Iterable[Row]:
    yield from _side_by_side("run", [{"type": r.type, "name": r.name, "status": r.status.value} for r in runs])
    yield from _side_by_side("params", [r.params for r in runs])
    yield from _side_by_side("metrics", [store.latest_metrics(r) for r in runs], numeric=True)
    yield from _side_by_side("inputs", [_inputs(store, r) for r in runs])
    yield from _side_by_side("code", [_flat({"git": r.environment["git"]}) if r.environment.get("git") else {}
                                      for r in runs])
    yield from _side_by_side("environment", [{k: r.environment[k] for k in ("python", "platform")
                                              if k in r.environment} for r in runs])
    packages = [_packages(store, r) for r in runs]
    if any(p is not None for p in packages):
        rows = _side_by_side("packages", [p or {} for p in packages])
        yield from (row for row in rows if row.differs)


def _inputs(store: Store, run: Execution) -> dict[str, str]:
    """Each input's series (and role) -> its version and digest."""
    lineage = store.lineage(run, direction="upstream", depth=1)
    roles = {edge.artifact_id: edge.role for edge in lineage.edges if edge.role}
    found: dict[str, list[str]] = {}
    for artifact in lineage.artifacts():
        series = f"{artifact.type.lower()}:{artifact.name}"
        key = f"{series} [{roles[artifact.id]}]" if artifact.id in roles else series
        found.setdefault(key, []).append(f"@{artifact.version} {artifact.digest[:15]}")
    return {key: ", ".join(sorted(values)) for key, values in found.items()}


def _packages(store: Store, run: Execution) -> dict[str, str] | None:
    digest = run.environment.get("packages_digest")
    if not digest:
        return None
    try:
        return store.packages(digest)
    except NotFoundError:
        return None


# -- artifacts ---------------------------------------------------------------------------


def _artifacts(store: Store, items: list[Artifact]) -> Iterable[Row]:
    yield from _side_by_side("artifact", [{"type": a.type, "name": a.name, "version": a.version, "digest": a.digest,
                                           "uri": a.uri} for a in items])
    producers = [_producer(store, a) for a in items]
    if any(producers):  # a model's params and metrics are those of the run that made it
        yield from _side_by_side("params", [p.params if p else {} for p in producers])
        yield from _side_by_side("metrics", [store.latest_metrics(p) if p else {} for p in producers],
                                 numeric=True)
    props = [a.properties for a in items]
    if any("rows" in p for p in props):
        yield from _side_by_side("data", [{"rows": p["rows"]} if "rows" in p else {} for p in props], numeric=True)
    schemas = [_schema(p) for p in props]
    if any(schemas):
        yield from _columns(schemas)
    yield from _side_by_side("mean", [{c: s.get("mean") for c, s in (p.get("stats") or {}).items()
                                       if isinstance(s, dict) and "mean" in s} for p in props], numeric=True)
    if any("missing" in p for p in props):
        # capture keeps only non-zero counts: a column it profiled and left out had none missing
        missing = [{**{c: 0 for c in schema}, **(p.get("missing") or {})} if "missing" in p else {}
                   for p, schema in zip(props, schemas, strict=True)]
        yield from _side_by_side("missing", missing, numeric=True)
    yield from _side_by_side("properties", [_flat({k: v for k, v in p.items() if k not in CAPTURE_KEYS})
                                            for p in props])


def _producer(store: Store, artifact: Artifact) -> Execution | None:
    made_by = [e for e in store.lineage(artifact, direction="upstream", depth=1).edges if e.target == artifact.id]
    if not made_by:
        return None
    first = min(made_by, key=lambda e: e.source)
    producer = store.get(first.source)  # the source of an edge into an artifact is an execution
    return producer if isinstance(producer, Execution) else None


def _schema(properties: dict[str, Any]) -> dict[str, str]:
    schema = properties.get("schema")
    if not isinstance(schema, list):
        return {}
    return {c["name"]: str(c.get("dtype")) for c in schema if isinstance(c, dict) and "name" in c}


def _columns(schemas: list[dict[str, str]]) -> Iterable[Row]:
    """One row per column: its dtype on each side, and whether it was added, removed or retyped."""
    base = schemas[0]
    for name in _keys(schemas):
        values = tuple(s.get(name, MISSING) for s in schemas)
        notes = []
        for other in values[1:]:
            if name not in base and other is not MISSING:
                notes.append("added")
            elif name in base and other is MISSING:
                notes.append("removed")
            elif other is not MISSING and other != base[name]:
                notes.append(f"{base[name]} → {other}")
        yield Row("schema", name, values, ", ".join(notes))


# -- shared ------------------------------------------------------------------------------


def _side_by_side(section: str, sides: list[dict[str, Any]], *, numeric: bool = False) -> Iterable[Row]:
    for key in _keys(sides):
        values = tuple(side.get(key, MISSING) for side in sides)
        yield Row(section, key, values, _shift(values) if numeric else "")


def _keys(sides: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for side in sides:
        seen.update(dict.fromkeys(side))
    return sorted(seen)


def _shift(values: tuple[Any, ...]) -> str:
    """How the other values differ from the first: ``+20 (+20.0%)``."""
    base = values[0]
    if not _number(base) or not any(_number(v) and v != base for v in values[1:]):
        return ""
    notes = []
    for value in values[1:]:
        if not _number(value):
            notes.append("—")
            continue
        delta = value - base
        percent = f" ({delta / base:+.1%})" if base else ""
        notes.append(f"{delta:+.6g}{percent}")
    return ", ".join(notes)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _flat(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted keys; lists kept whole."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict) and item:
            flat.update(_flat(item, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = item
    return flat


def _show(value: Any) -> str:
    if value is MISSING:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


__all__ = ["MISSING", "Comparison", "Row", "compare"]
