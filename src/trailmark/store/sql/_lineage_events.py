"""SqlStore's OpenLineage part: events in (one transaction each), events, jobs, datasets and columns out.

:class:`LineageEvents` works on the :class:`~trailmark.store.sql._scope.Scope` and the
:class:`~trailmark.store.sql._guard.Guard` it is handed, so a per-request view acts for its own
project, actor and reader; SqlStore's public methods build one per call and delegate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, union

from trailmark.entities import Artifact, ColumnEdge, EdgeKind, IngestedEvent, LineageJob
from trailmark.errors import NotFoundError, ValidationError
from trailmark.openlineage._check import event_kind
from trailmark.openlineage._facets import event_time
from trailmark.store import _validate
from trailmark.store.sql import _artifacts, _column_lineage, _executions, _lineage_screen
from trailmark.store.sql._audit import Change
from trailmark.store.sql._tables import (
    artifacts,
    events,
    openlineage_datasets,
    openlineage_events,
    openlineage_jobs,
    openlineage_runs,
)

if TYPE_CHECKING:
    from trailmark.store import NodeLike
    from trailmark.store.sql._guard import Guard
    from trailmark.store.sql._scope import Scope

Json = dict[str, Any]


class LineageEvents:
    """OpenLineage events and column lineage of one scope (project, actor, clock), for one reader.

    ``guard`` leaves out (or refuses) runs and datasets whose labels are restricted above the reader's role.
    """

    def __init__(self, scope: Scope, guard: Guard) -> None:
        self.scope = scope
        self.guard = guard

    def ingest_openlineage(self, event: Mapping[str, Any]) -> IngestedEvent:
        """Record one OpenLineage RunEvent, DatasetEvent or JobEvent, all of it or (refused) nothing.

        Raises:
            ValidationError: the event is malformed; the message names the field or facet.
        """
        from trailmark.store.sql import _openlineage

        kind = event_kind(event)
        plain = _validate.json_object(event, "the event")
        now = self.scope.now()
        event_scope = _openlineage.Scope(self.scope.project_id, self.scope.actor, now, event_time(plain, now))

        def work(conn: Connection) -> tuple[IngestedEvent, Json]:
            done = _openlineage.ingest(conn, event_scope, kind, plain)
            execution, inputs, outputs = _openlineage.loaded(conn, done)
            payload = {"kind": kind, "eventType": plain.get("eventType"),
                       "runId": (plain.get("run") or {}).get("runId"),
                       "inputs": [a.ref for a in inputs], "outputs": [a.ref for a in outputs],
                       "created": done.created}
            return IngestedEvent(execution, inputs, outputs), payload

        def change(done: tuple[IngestedEvent, Json]) -> Change:
            ingested, payload = done
            target = ingested.execution.ref if ingested.execution else (
                ingested.inputs[0].ref if ingested.inputs else f"openlineage:{plain['job']['name']}")
            return Change("openlineage.ingest", target, payload)

        return self.scope.audited(work, change)[0]

    def openlineage_events(
        self, ref: NodeLike | None = None, *, limit: int = 100, offset: int = 0, newest_first: bool = False
    ) -> list[Json]:
        """The OpenLineage events stored as they came: those of one execution's run, or of the project."""
        limit = _validate.limit(limit)
        if not isinstance(offset, int) or offset < 0:
            raise ValidationError(f"offset must be a whole number >= 0, got {offset!r}")
        table = openlineage_events
        order = table.c.id.desc() if newest_first else table.c.id
        query = select(table.c.execution_id, table.c.event).where(table.c.project_id == self.scope.project_id)
        with self.scope.read() as conn:
            if ref is not None:
                query = query.where(table.c.execution_id == self.scope.execution_id(conn, ref))
            rows = [(r.execution_id, dict(r.event)) for r in conn.execute(query.order_by(order).limit(limit)
                                                                           .offset(offset))]
        return _lineage_screen.events(self.guard, rows)  # restricted runs and datasets left out

    def openlineage_event_count(self) -> int:
        """How many OpenLineage events the project holds."""
        with self.scope.read() as conn:
            return int(conn.execute(select(func.count()).select_from(openlineage_events).where(
                openlineage_events.c.project_id == self.scope.project_id)).scalar_one())

    def openlineage_namespaces(self) -> list[str]:
        """The OpenLineage namespaces of the project's jobs and datasets, sorted."""
        query = union(
            select(openlineage_jobs.c.namespace).where(openlineage_jobs.c.project_id == self.scope.project_id),
            select(openlineage_datasets.c.namespace).where(openlineage_datasets.c.project_id == self.scope.project_id),
        )
        with self.scope.read() as conn:
            return sorted(conn.execute(query).scalars())

    def openlineage_datasets(self, namespace: str) -> list[Artifact]:
        """The latest version of each dataset of an OpenLineage namespace, by name."""
        table = openlineage_datasets
        with self.scope.read() as conn:
            series = conn.execute(select(table.c.series).where(
                table.c.project_id == self.scope.project_id, table.c.namespace == namespace).order_by(table.c.name)
            ).scalars().all()
            found = [a for a in (self._latest_version(conn, s) for s in series) if a is not None]
        return self.guard.screen(found, hidden="drop", what="openlineage.datasets")

    def openlineage_dataset(self, namespace: str, name: str) -> Artifact:
        """The latest version of the dataset (namespace, name).

        Raises:
            NotFoundError: no such dataset was ever reported.
        """
        table = openlineage_datasets
        with self.scope.read() as conn:
            series = conn.execute(select(table.c.series).where(
                table.c.project_id == self.scope.project_id, table.c.namespace == namespace, table.c.name == name)
            ).scalar()
            found = self._latest_version(conn, series) if series is not None else None
        if found is None:
            raise NotFoundError(f"no OpenLineage dataset {name!r} in namespace {namespace!r}")
        return self.guard.screen([found], hidden="refuse", what="openlineage.dataset")[0]

    def _latest_version(self, conn: Connection, series: str) -> Artifact | None:
        found = _artifacts.load_artifacts(conn, artifacts.c.project_id == self.scope.project_id,
                                          artifacts.c.type == "Dataset", artifacts.c.name == series)
        return found[-1] if found else None

    def openlineage_jobs(self, namespace: str) -> list[LineageJob]:
        """The jobs of an OpenLineage namespace, with their facets and latest run."""
        jobs, runs = openlineage_jobs, openlineage_runs
        with self.scope.read() as conn:
            rows = conn.execute(select(jobs).where(jobs.c.project_id == self.scope.project_id,
                                                   jobs.c.namespace == namespace).order_by(jobs.c.name)).all()
            found = []
            for row in rows:
                latest = conn.execute(select(func.max(runs.c.execution_id)).where(
                    runs.c.project_id == self.scope.project_id, runs.c.namespace == namespace, runs.c.job == row.name)
                ).scalar()
                execution = _executions.load_execution(conn, latest) if latest is not None else None
                inputs, outputs = self._run_datasets(conn, latest) if latest is not None else ([], [])
                found.append(LineageJob(namespace=namespace, name=row.name, facets=row.facets,
                                        updated_at=row.updated_at, inputs=inputs, outputs=outputs,
                                        latest_run=execution))
        return _lineage_screen.jobs(self.guard, found)  # jobs of restricted runs left out

    def _run_datasets(self, conn: Connection, execution_id: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        sides: dict[str, list[dict[str, str]]] = {"INPUT": [], "OUTPUT": []}
        for edge in conn.execute(select(events).where(
                (events.c.source_id == execution_id) | (events.c.target_id == execution_id))):
            artifact = _artifacts.load_artifact(conn, edge.source_id if edge.kind == EdgeKind.INPUT.value
                                                else edge.target_id)
            origin = artifact.properties.get("openlineage") or {}
            sides[edge.kind].append({"namespace": str(origin.get("namespace", "trailmark")),
                                     "name": str(origin.get("name", artifact.name))})
        return sides["INPUT"], sides["OUTPUT"]

    # -- column lineage -------------------------------------------------------------------

    def column_lineage(
        self, ref: NodeLike, *, column: str | None = None, direction: str = "upstream", depth: int | None = None
    ) -> list[ColumnEdge]:
        """Column-level lineage of a dataset (one column, or all): where it came from, or what it fed.

        Example:
            >>> store.column_lineage("dataset:sales_features", column="price_per_sqft")
            [ColumnEdge(source='dataset:raw_sales@1', source_column='price', ...)]
        """
        if direction not in ("upstream", "downstream"):
            raise ValidationError(f"direction must be 'upstream' or 'downstream', got {direction!r}")
        _validate.depth(depth)
        with self.scope.read() as conn:
            kind, found = self.scope.node(conn, ref)
            if kind != "artifact":
                raise ValidationError(f"column lineage is between datasets; {ref!r} is an execution")
            edges = _column_lineage.walk(conn, found, column, upstream=direction == "upstream", depth=depth)
            if self.guard.role is None:
                return edges
            ids = {r: self.scope.node(conn, r)[1] for e in edges for r in (e.source, e.target)}
        if found in self.guard.hidden_ids([found], what="columns", audit=False):
            with self.scope.read() as conn:
                dataset = _artifacts.load_artifact(conn, found)
            self.guard.screen([dataset], hidden="refuse", what="get")  # refused, as a direct read of the dataset is
        return _lineage_screen.edges(self.guard, ids, edges)  # edges to or from restricted datasets left out

    def log_column_lineage(self, edges: Sequence[ColumnEdge], *, execution: NodeLike | None = None) -> None:
        """Record column edges between artifacts (``source``/``target``: references), e.g. from capture."""
        for edge in edges:
            _column_name(edge.source_column)
            _column_name(edge.target_column)

        def work(conn: Connection) -> tuple[str, list[Json]]:
            made_by = self.scope.execution_id(conn, execution) if execution is not None else None
            rows: list[Json] = []
            for edge in edges:
                source, target = self.scope.node(conn, edge.source), self.scope.node(conn, edge.target)
                if source[0] != "artifact" or target[0] != "artifact":
                    raise ValidationError("column lineage links artifacts; an execution was given")
                rows.append({"source_id": source[1], "source_column": edge.source_column, "target_id": target[1],
                             "target_column": edge.target_column, "transformation": edge.transformation})
            _column_lineage.add_edges(conn, rows, execution_id=made_by)
            return (self.scope.node_ref(conn, rows[0]["target_id"]) if rows else ""), rows

        self.scope.audited(work, lambda done: Change("columns.link", done[0], done[1]) if done[1] else None)


def _column_name(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 300 or "\x00" in value:
        raise ValidationError(f"a column name must be text of 1 to 300 characters, got {value!r}")
    return value
