"""The tree a filter parses to: small frozen dataclasses, compared without their positions."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

PLAIN_FIELDS = ("id", "type", "name", "version", "status", "digest", "uri", "project", "created", "created_by",
                "started", "ended", "duration", "classification",
                "experiment", "context", "parent", "lifecycle", "description", "uid", "heartbeat", "cached_from")
KEYED_FIELDS = ("params", "metrics", "properties", "tags", "env", "resources")
FUNCTIONS = ("derived_from", "upstream_of")


@dataclasses.dataclass(frozen=True)
class Now:
    """``now()`` plus an offset, resolved when the filter runs."""

    offset: timedelta = timedelta(0)


Value = str | int | float | bool | datetime | date | timedelta | Now


@dataclasses.dataclass(frozen=True)
class Field:
    """A field: ``name``, the ``key`` of a keyed field, and ``.min``/``.max`` of a metric."""

    name: str
    key: tuple[str | int, ...] = ()
    aggregate: str | None = None
    line: int = dataclasses.field(default=1, compare=False, repr=False)
    column: int = dataclasses.field(default=1, compare=False, repr=False)

    def __str__(self) -> str:
        parts = [self.name, *(str(k) if _plain_key(k) else f"`{k}`" for k in self.key)]
        return ".".join(parts + ([self.aggregate] if self.aggregate else []))


@dataclasses.dataclass(frozen=True)
class Comparison:
    """``field op value``; op is one of = != < <= > >= like ilike "not like" "not ilike"."""

    field: Field
    op: str
    value: Value


@dataclasses.dataclass(frozen=True)
class InList:
    field: Field
    values: tuple[Value, ...]
    negated: bool = False


@dataclasses.dataclass(frozen=True)
class IsNull:
    field: Field
    negated: bool = False


@dataclasses.dataclass(frozen=True)
class Lineage:
    """``derived_from('REF')`` or ``upstream_of('REF')``."""

    function: str
    ref: str
    line: int = dataclasses.field(default=1, compare=False, repr=False)
    column: int = dataclasses.field(default=1, compare=False, repr=False)


@dataclasses.dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclasses.dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclasses.dataclass(frozen=True)
class Not:
    item: Node


Node = Comparison | InList | IsNull | Lineage | And | Or | Not


def _plain_key(key: str | int) -> bool:
    return isinstance(key, int) or re.fullmatch(r"[\w\-]+(\.[\w\-]+)*", key) is not None


def names_field(node: Node | None, name: str) -> bool:
    """Whether the filter compares the field ``name`` anywhere (walked with a stack)."""
    stack = [node] if node is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, (And, Or)):
            stack.extend(item.items)
        elif isinstance(item, Not):
            stack.append(item.item)
        elif not isinstance(item, Lineage) and item.field.name == name:
            return True
    return False
