"""``tm.run``: an execution as a context manager, with buffered metrics and automatic environment."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from trailmark.entities import Artifact, Execution, Metric
from trailmark.errors import ValidationError
from trailmark.store import _validate
from trailmark.store._batch import Batch, resolved, role_key
from trailmark.tracking import _active
from trailmark.tracking._buffer import MetricBuffer
from trailmark.tracking._columns import record_model_columns
from trailmark.tracking._data import known_artifact, log_data
from trailmark.tracking._resources import ResourceMeter
from trailmark.tracking._system import SystemSampler, sampling_interval, start_sampler

if TYPE_CHECKING:
    from trailmark.store import Store


class Run:
    """One execution in progress. Use it as a context manager:

    the execution ends COMPLETE, or FAILED with the exception's type and message stored
    (the exception is re-raised). Environment, wall/CPU time and peak memory are recorded
    without being asked; metric points are buffered and written in batches. While it is open,
    system metrics (``system/cpu_percent``, ``system/memory_mb``, ...) are sampled every 10 s;
    ``system_metrics=False`` (or ``$TRAILMARK_SYSTEM_METRICS=off``) turns that off, a number
    sets the interval in seconds.

    Example:
        >>> with store.run("train", type="Train", params={"max_depth": 10}) as run:
        ...     data = run.log_input(df, name="housing-raw")
        ...     run.log_metric("rmse", 28000.0, step=0)
        ...     run.log_model(model, name="house-price-rf")
    """

    def __init__(
        self,
        store: Store,
        name: str,
        *,
        type: str = "Run",
        experiment: str | None = None,
        params: Mapping[str, Any] | None = None,
        system_metrics: bool | float | None = None,
    ) -> None:
        self.store = store
        self.name = name
        self.type = type
        self.experiment = experiment
        self._params = dict(params or {})
        self._execution: Execution | None = None
        self._steps: dict[str, int] = {}
        self._buffer: MetricBuffer | None = None
        self._meter: ResourceMeter | None = None
        self._system_seconds = sampling_interval(system_metrics)
        self._sampler: SystemSampler | None = None
        self._token: Any = None
        self.logged: list[Artifact] = []
        """Every artifact this run logged (inputs and outputs, autolog's included), in order."""
        self._pending_params: dict[str, Any] = {}
        self._pending_tags: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def execution(self) -> Execution:
        """The execution as last written (COMPLETE or FAILED once the block has ended)."""
        if self._execution is None:
            raise ValidationError(f"run {self.name!r} has not started: use it in a `with` block")
        return self._execution

    @property
    def model(self) -> Artifact | None:
        """The last Model this run logged (by ``log_model`` or ``tm.autolog``), or None."""
        return next((a for a in reversed(self.logged) if a.type == "Model"), None)

    def _remember(self, artifact: Artifact) -> Artifact:
        self.logged.append(artifact)
        return artifact

    @property
    def id(self) -> int:
        return self.execution.id

    def __enter__(self) -> Run:
        from trailmark.capture.environment import capture_environment

        self._meter = ResourceMeter()
        outer = _active.current_run()
        parent = outer.execution if outer is not None and outer.store is self.store else None
        if parent is not None and self.experiment is None:  # a trial of a sweep is in the sweep's experiment
            self.experiment = outer.experiment  # type: ignore[union-attr]  # parent is set only when outer is
        self._execution = self.store.start_execution(
            self.type, self.name, params=self._params, context=self.experiment, environment=capture_environment(),
            parent=parent,
        )
        self._buffer = MetricBuffer(
            self._write_points,
            heartbeat=lambda: self.store.heartbeat(self.execution),
        )
        if self._system_seconds is not None:
            self._sampler = start_sampler(self._buffer.offer, self.store.clock.now, self._system_seconds)
        self._token = _active.enter_run(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _active.leave_run(self._token)
        assert self._buffer is not None and self._meter is not None
        if self._sampler is not None:
            self._sampler.stop()
        try:
            rest = self._buffer.drain()
        except BaseException:  # a failed background write: the run still ends, then the error is raised
            self._end(exc_type, exc, [])
            raise
        self._end(exc_type, exc, rest)

    def _end(self, exc_type: Any, exc: BaseException | None, points: Sequence[Metric]) -> None:
        """The last points, the params not yet written and the end of the execution: one batch."""
        assert self._meter is not None
        error = "".join(traceback.format_exception_only(exc_type, exc)).strip() if exc is not None else None
        with self.store.batch() as b:
            self._write_pending(b, points)
            ended = b.end_execution(self.execution, status="FAILED" if exc is not None else "COMPLETE", error=error,
                                    resources=self._meter.read())
        self._execution = ended.value

    def _write_pending(self, batch: Batch, points: Sequence[Metric] = ()) -> None:
        with self._lock:
            params, self._pending_params = self._pending_params, {}
            tags, self._pending_tags = self._pending_tags, {}
        if params:
            batch.log_params(self.execution, params)
        for key, value in tags.items():
            batch.set_tag(self.execution, key, value)
        if points:
            batch.log_metric_points(self.execution, points)

    def _write_points(self, points: Sequence[Metric]) -> None:
        """What the flusher sends: the points, and the params logged since the last write, together."""
        with self.store.batch() as b:
            self._write_pending(b, points)

    def _record(self, log: Callable[[Any], Any], *, output: bool, role: str | None) -> Artifact:
        """Log an artifact and link it to this run in one batch (one request over HTTP)."""
        with self.store.batch() as b:
            self._write_pending(b)
            made = log(b)
            b.link(self.execution, inputs=() if output else [made], outputs=[made] if output else (),
                   roles={role_key(made): role} if role else None)
        return self._remember(resolved(made))

    # -- params and metrics -----------------------------------------------------------

    def log_param(self, key: str, value: Any) -> None:
        self.log_params({key: value})

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Add parameters: checked at once, written with the run's next write (at the latest when it ends)."""
        checked = _validate.json_object(params, "params")
        self.execution  # noqa: B018  # refuses a run that has not started
        with self._lock:
            self._pending_params.update(checked)

    def set_tag(self, key: str, value: str) -> None:
        self.set_tags({key: value})

    def set_tags(self, tags: Mapping[str, str]) -> None:
        """Tag the run's execution (a later value for a key wins): checked at once, written with the run's next
        write (at the latest when it ends), in its transaction."""
        for key, value in tags.items():
            _validate.tag(key, value)
        self.execution  # noqa: B018  # refuses a run that has not started
        with self._lock:
            self._pending_tags.update((key, str(value)) for key, value in tags.items())

    def log_metric(self, key: str, value: float, step: int | None = None, *, timestamp: datetime | None = None) -> None:
        """Buffer one point; without ``step``, each key counts its own steps from 0."""
        number = _validate.metric_value(key, value)
        if step is None:
            step = self._steps.get(key, -1) + 1
        _validate.step(step)
        self._steps[key] = max(step, self._steps.get(key, -1))
        assert self._buffer is not None, "log_metric outside the run's `with` block"
        self._buffer.add(Metric(key, number, step, timestamp or self.store.clock.now()))

    def log_metrics(self, values: Mapping[str, float], step: int | None = None) -> None:
        for key, value in values.items():
            self.log_metric(key, value, step)

    # -- artifacts --------------------------------------------------------------------

    def log_input(
        self,
        data: Any,
        *,
        name: str | None = None,
        type: str = "Dataset",
        role: str | None = None,
        sensitive: Sequence[str] = (),
    ) -> Artifact:
        """Record ``data`` (DataFrame, array, path, URI, Artifact or a reference such as
        ``dataset:housing-raw@2``, which links that existing version) as read by this run.

        ``sensitive`` names columns whose values stay out of the profile, besides the
        personal data found on its own (``properties["pii"]``); either classifies the dataset PII.
        """
        data = known_artifact(self.store, data) or data
        return self._record(lambda b: log_data(b, data, name=name, type=type, sensitive=sensitive), output=False,
                            role=role)

    def log_output(
        self, data: Any, *, name: str | None = None, type: str = "Dataset", role: str | None = None
    ) -> Artifact:
        """Record ``data`` as written by this run (a reference links the existing version)."""
        data = known_artifact(self.store, data) or data
        return self._record(lambda b: log_data(b, data, name=name, type=type), output=True, role=role)

    def log_file(self, path: str, *, type: str = "File", name: str | None = None, role: str | None = None) -> Artifact:
        """Keep a local file's bytes in the artifact root and record it as an output (``name``: the file's stem).

        Example:
            >>> plot = run.log_file("plots/residuals.png", type="Plot")
            >>> with store.open(plot) as f: ...
        """
        from trailmark.tracking._files import keep_file

        artifact = keep_file(self.store, path, type=type, name=name)
        self.store.link(self.execution, outputs=[artifact], roles={artifact.id: role} if role else None)
        return self._remember(artifact)

    def log_model(
        self,
        model: Any,
        *,
        name: str,
        uri: str | None = None,
        properties: Mapping[str, Any] | None = None,
        save: bool = False,
        format: str | None = None,
    ) -> Artifact:
        """Record a fitted model as an output; it becomes the next version of the ``name`` series.

        ``save=True`` also keeps the model's file in the artifact root (skops for scikit-learn;
        ``format="pickle"`` only when asked), for :func:`trailmark.load_model`.
        """
        if isinstance(model, Artifact):
            artifact = model
        else:
            from trailmark.capture import describe_model

            description = describe_model(model)
            kept: dict[str, Any] = {}
            if save or format is not None:
                from trailmark.tracking._files import saved_model_properties

                saved_uri, kept = saved_model_properties(self.store, model, format)
                uri = uri or saved_uri
            props = {**description.properties, **dict(properties or {}), **kept}
            logged = self._record(lambda b: b.log_artifact("Model", name, uri, digest=description.digest,
                                                           properties=props), output=True, role=None)
            record_model_columns(self.store, self.execution, logged)  # a ColumnTransformer's column lineage
            return logged
        self.store.link(self.execution, outputs=[artifact])
        return self._remember(artifact)

    # -- checks -----------------------------------------------------------------------

    def validate(
        self,
        data: Any,
        *,
        checks: Mapping[str, Any] | Iterable[Any],
        name: str | None = None,
        raise_on_failure: bool = True,
    ) -> dict[str, Any]:
        """Check ``data`` in a Validate step: dataset -> Validate -> Report, the dataset an input of this run.

        ``checks``: ``schema``, ``max_missing``, ``ranges``, ``unique``, ``rows`` (see
        :func:`trailmark.capture.validate_data`). A failed check fails the Validate step
        and raises ``DataValidationError`` naming the column and the figure, unless
        ``raise_on_failure`` is False. Returns the report.

        Example:
            >>> run.validate(df, checks={"max_missing": {"bedrooms": 0.1}}, name="housing-raw")
        """
        from trailmark.tracking._validate import record_validation

        return record_validation(
            self.store, data, checks, name=name if name is not None else f"{self.name}.validated",
            parent=self, raise_on_failure=raise_on_failure,
        )
