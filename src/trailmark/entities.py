"""Plain, frozen data objects that every store takes and returns.

They hold values only (no sessions, no lazy loading), so an entity read through the HTTP
client is the same object as one read from SQLite or PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class Status(str, enum.Enum):
    """Life cycle of an execution."""

    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"

    def __str__(self) -> str:
        return self.value


class EdgeKind(str, enum.Enum):
    """Direction of an event: an execution reads an INPUT, writes an OUTPUT. A lineage walk asked to
    follow run nesting (``include_parents``) adds PARENT edges: parent execution -> child execution."""

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    PARENT = "PARENT"

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class Artifact:
    """An immutable, versioned thing: a dataset, a model, a report, a deployment..."""

    id: int
    project: str
    type: str
    name: str
    version: int
    digest: str
    uri: str | None
    properties: dict[str, Any]
    created_at: datetime
    created_by: str | None = None
    lifecycle: str = "active"  # "active" | "deleted" (soft delete: store.delete / store.restore)
    description: str | None = None  # a note, changed by store.set_description (audited, not a version)

    @property
    def ref(self) -> str:
        """The reference that names this version: ``dataset:housing-raw@3``."""
        return f"{self.type.lower()}:{self.name}@{self.version}"

    kind = "artifact"


@dataclasses.dataclass(frozen=True)
class Execution:
    """One run of one step of a pipeline."""

    id: int
    project: str
    type: str
    name: str
    status: Status
    params: dict[str, Any]
    environment: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None = None
    resources: dict[str, Any] = dataclasses.field(default_factory=dict)
    error: str | None = None
    created_by: str | None = None
    uid: str = ""  # 32 lower-case hex digits, random, unique across stores; never changes (``run:<uid>``)
    parent_id: int | None = None  # the execution this one is nested in
    lifecycle: str = "active"  # "active" | "deleted"
    description: str | None = None
    heartbeat_at: datetime | None = None  # last sign of life of a RUNNING execution
    cached_from: int | None = None  # the execution whose outputs a cached step reused (docs/reuse.md)

    @property
    def ref(self) -> str:
        """The reference that names this execution: ``exec:42``."""
        return f"exec:{self.id}"

    @property
    def duration(self) -> float | None:
        """Wall-clock seconds from start to end, or None while running."""
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    kind = "execution"


Node = Artifact | Execution


@dataclasses.dataclass(frozen=True)
class Edge:
    """An event of the lineage graph: ``artifact -INPUT-> execution`` or ``execution -OUTPUT-> artifact``."""

    source: int
    target: int
    kind: EdgeKind
    role: str | None = None

    @property
    def execution_id(self) -> int:
        return self.target if self.kind == EdgeKind.INPUT else self.source

    @property
    def artifact_id(self) -> int:
        return self.source if self.kind == EdgeKind.INPUT else self.target


Event = Edge


@dataclasses.dataclass(frozen=True)
class Context:
    """A group of executions and artifacts: an Experiment, a Pipeline, a PipelineRun."""

    id: int
    project: str
    type: str
    name: str


@dataclasses.dataclass(frozen=True)
class Metric:
    """One point of a metric's time series."""

    key: str
    value: float
    step: int
    timestamp: datetime


@dataclasses.dataclass(frozen=True)
class AliasMove:
    """One move of a registry alias; ``version`` is None when the alias was removed."""

    model: str
    alias: str
    version: int | None
    artifact_id: int | None
    set_by: str | None
    set_at: datetime


@dataclasses.dataclass(frozen=True)
class ColumnEdge:
    """Column-level lineage: ``target``'s ``target_column`` derives from ``source``'s ``source_column``.

    ``source`` and ``target`` are dataset version references (``dataset:raw@1``).
    """

    source: str
    source_column: str
    target: str
    target_column: str
    transformation: str | None = None


@dataclasses.dataclass(frozen=True)
class IngestedEvent:
    """What one OpenLineage event touched: its run's execution (None for DatasetEvent, JobEvent) and datasets."""

    execution: Execution | None
    inputs: list[Artifact]
    outputs: list[Artifact]


@dataclasses.dataclass(frozen=True)
class LineageJob:
    """An OpenLineage job: its facets so far, the datasets of its latest run, and that run."""

    namespace: str
    name: str
    facets: dict[str, Any]
    updated_at: datetime
    inputs: list[dict[str, str]]  # [{"namespace", "name"}]
    outputs: list[dict[str, str]]
    latest_run: Execution | None = None


T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of search results; ``next_page_token`` is None on the last page."""

    items: list[T]
    next_page_token: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]


def to_dict(entity: Any) -> dict[str, Any]:
    """The JSON-ready form of an entity (datetimes as ISO 8601, enums as strings)."""
    cls: type[DataclassInstance] = type(entity)
    data = {name: getattr(entity, name) for name in _field_names(cls)}
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat()
        elif isinstance(value, enum.Enum):
            data[key] = value.value
    if isinstance(entity, (Artifact, Execution)):
        data["kind"] = entity.kind
        data["ref"] = entity.ref
    return data


@functools.cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _datetime_fields(cls: type[DataclassInstance]) -> dict[str, bool]:
    """Each field of ``cls`` and whether it holds a datetime (by its annotation)."""
    return {f.name: "datetime" in str(f.type) for f in dataclasses.fields(cls)}


_ENUM_FIELDS = {"status": Status, "kind": EdgeKind}
D = TypeVar("D", bound="DataclassInstance")


def field_values(cls: type[DataclassInstance], data: Mapping[str, Any]) -> dict[str, Any]:
    """The items of ``data`` that name a field of the dataclass ``cls``, ISO texts parsed in its datetime fields.

    Every record comes back from its JSON form through this (entities here, governance and
    automation records, HttpStore's answers); unknown keys are ignored.
    """
    dated = _datetime_fields(cls)
    values = {key: value for key, value in data.items() if key in dated}
    for key, value in values.items():
        if dated[key] and isinstance(value, str):
            values[key] = datetime.fromisoformat(value)
    return values


def from_dict(cls: type[D], data: dict[str, Any]) -> D:
    """Rebuild an entity from :func:`to_dict` output; unknown keys are ignored."""
    values = field_values(cls, data)
    for key, value in values.items():
        if key in _ENUM_FIELDS and isinstance(value, str) and cls is not Artifact:
            values[key] = _ENUM_FIELDS[key](value)
    return cls(**values)


def node_from_dict(data: dict[str, Any]) -> Node:
    """Rebuild an Artifact or Execution from its dict, by its ``kind`` key."""
    if data.get("kind") == "execution":
        return from_dict(Execution, data)
    return from_dict(Artifact, data)


def dumps(value: Any) -> str:
    """JSON text of entities, lists and dicts of them."""
    return json.dumps(value, default=_json_default, indent=2, sort_keys=False)


def _json_default(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
