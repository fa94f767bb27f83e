"""``trailmark import mlflow SOURCE``: copy an MLflow tracking store into a Trailmark store.

The source is read through the mlflow client (``pip install 'trailmark[mlflow]'``): an
``mlruns`` folder, an MLflow database URI or an MLflow server URL. Experiments, runs (uid,
times and user kept), params, whole metric histories, tags, dataset inputs, registered
models, versions and aliases are copied with the mapping of docs/mlflow.md. Running it
again copies only what is new: a run is known by its run_id, a version by its source.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from trailmark.entities import Metric
from trailmark.errors import ValidationError
from trailmark.mlflow import _experiments, _logged, _registry, _runs
from trailmark.mlflow._json import from_millis
from trailmark.store import Store
from trailmark.store.sql import SqlStore

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total)"""


@dataclasses.dataclass
class ImportSummary:
    """What an import copied, what it found already there, and what it could not map."""

    experiments: int = 0
    runs: int = 0
    runs_skipped: int = 0
    metric_points: int = 0
    datasets: int = 0
    models: int = 0
    versions: int = 0
    aliases: int = 0
    unmapped: list[str] = dataclasses.field(default_factory=list)


def source_uri(source: str) -> str:
    """The tracking URI of SOURCE: a folder becomes ``file://``; URIs pass unchanged."""
    if "://" in source:
        return source
    path = Path(source).expanduser()
    if not path.is_dir():
        raise ValidationError(f"cannot import {source!r}: not an mlruns folder, an MLflow database URI or a URL")
    return path.resolve().as_uri()


def _client(uri: str) -> Any:
    try:
        from mlflow.tracking import MlflowClient
    except ImportError as exc:
        raise ValidationError("the mlflow client is not installed: pip install 'trailmark[mlflow]'") from exc
    if uri.startswith("file:"):
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 reads a file store only when asked
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def _pages(call: Callable[..., Any], **kwargs: Any) -> list[Any]:
    found: list[Any] = []
    token = None
    while True:
        page = call(page_token=token, **kwargs)
        found.extend(page)
        token = getattr(page, "token", None)
        if not token:
            return found


def import_mlflow(store: Store, source: str, *, progress: Progress | None = None) -> ImportSummary:
    """Copy the MLflow store at ``source`` into ``store``; returns what was done."""
    if not isinstance(store, SqlStore):
        raise ValidationError("import into a database (sqlite:///... or postgresql://...): over HTTP, point the "
                              "MLflow code at the server instead")
    from mlflow.entities import ViewType

    client = _client(source_uri(source))
    summary = ImportSummary()
    report = progress or (lambda stage, done, total: None)
    experiments = _pages(client.search_experiments, view_type=ViewType.ALL, max_results=1000)
    contexts: dict[str, int] = {}
    for experiment in experiments:
        row = _experiments.row_by_name(store, experiment.name)
        if row is None:
            _experiments.create(store, experiment.name, dict(experiment.tags))
            row = _experiments.row_by_name(store, experiment.name)
            assert row is not None
            summary.experiments += 1
            if experiment.lifecycle_stage == "deleted":
                _experiments.set_lifecycle(store, _experiments.experiment_id(row), "deleted")
        contexts[experiment.experiment_id] = row.id
    runs = _pages(client.search_runs, experiment_ids=list(contexts), run_view_type=ViewType.ALL, max_results=1000)
    runs.sort(key=lambda r: (r.info.start_time or 0, r.info.run_id))
    imported: dict[str, int] = {}
    for done, run in enumerate(runs, 1):
        report("runs", done - 1, len(runs))
        try:
            _runs.run_id_of(store, run.info.run_id)
        except LookupError:
            imported[run.info.run_id] = _copy_run(store, client, contexts[run.info.experiment_id], run, summary)
        else:
            summary.runs_skipped += 1
    report("runs", len(runs), len(runs))
    for uid, new in imported.items():
        parent = next((r.data.tags.get("mlflow.parentRunId") for r in runs if r.info.run_id == uid), None)
        if parent:
            try:
                _runs.set_parent(store, new, _runs.run_id_of(store, parent))
            except LookupError:
                summary.unmapped.append(f"run {uid}: parent run {parent} is not in the source")
    _copy_registry(store, client, summary)
    if runs:
        summary.unmapped.append("artifact files stay where MLflow keeps them: runs keep their artifact_uri as a tag "
                                "(copy the files with `mlflow artifacts download` if they must move)")
    return summary


def _copy_run(store: SqlStore, client: Any, context_id: int, run: Any, summary: ImportSummary) -> int:
    series: dict[str, list[Metric]] = {}
    for key in run.data.metrics:
        history = client.get_metric_history(run.info.run_id, key)
        series[key] = [Metric(m.key, float(m.value), int(m.step or 0), _when(m.timestamp)) for m in history]
        summary.metric_points += len(series[key])
    if run.info.artifact_uri:
        run.data.tags["mlflow.artifactUri"] = run.info.artifact_uri
    new = _runs.import_run(store, context_id, run, series)
    summary.runs += 1
    datasets = [_dataset_json(d) for d in (run.inputs.dataset_inputs if run.inputs else [])]
    if datasets:
        _logged.log_inputs(store, new, datasets)
        summary.datasets += len(datasets)
    return new


def _when(value: Any) -> datetime:
    found = from_millis(value, "timestamp")
    return found if found is not None else datetime.fromtimestamp(0, tz=timezone.utc)


def _dataset_json(item: Any) -> dict[str, Any]:
    d = item.dataset
    return {"tags": [{"key": t.key, "value": t.value} for t in item.tags],
            "dataset": {"name": d.name, "digest": d.digest, "source_type": d.source_type, "source": d.source,
                        "schema": d.schema, "profile": d.profile}}


def _copy_registry(store: SqlStore, client: Any, summary: ImportSummary) -> None:
    try:
        models = _pages(client.search_registered_models, max_results=1000)
    except Exception as exc:  # noqa: BLE001 - a tracking store without a registry (e.g. some servers) has none to copy
        summary.unmapped.append(f"registered models: {type(exc).__name__}: {exc}")
        return
    for model in models:
        if _registry._row(store, model.name) is None and not _registry.versions(store, model.name):
            _registry.create(store, {"name": model.name, "description": model.description,
                                     "tags": [{"key": k, "value": v} for k, v in model.tags.items()]})
            summary.models += 1
        known = {a.version for a in _registry.versions(store, model.name)}
        numbers: dict[int, int] = {}
        for version in sorted(_pages(client.search_model_versions, filter_string=f"name='{model.name}'"),
                              key=lambda v: int(v.version)):
            body = {"name": model.name, "source": version.source, "run_id": version.run_id or None,
                    "description": version.description,
                    "tags": [{"key": k, "value": v} for k, v in version.tags.items()],
                    "model_id": getattr(version, "model_id", None)}
            try:
                created = _registry.create_version(store, body, _runs.run_id_of)
            except LookupError:
                body["run_id"] = None  # its run is not in the source any more
                created = _registry.create_version(store, body, _runs.run_id_of)
            numbers[int(version.version)] = int(created["version"])
            if int(created["version"]) not in known:
                summary.versions += 1
            if int(created["version"]) != int(version.version):
                summary.unmapped.append(f"model {model.name} version {version.version} is version "
                                        f"{created['version']} in Trailmark")
            if version.current_stage and version.current_stage != "None":
                summary.unmapped.append(f"model {model.name} version {version.version}: stage "
                                        f"{version.current_stage} kept as alias {version.current_stage.lower()}")
                _move(store, model.name, version.current_stage.lower(), int(created["version"]), summary)
        for alias, number in (model.aliases or {}).items():
            _move(store, model.name, alias, numbers.get(int(number), int(number)), summary)


def _move(store: SqlStore, name: str, alias: str, version: int, summary: ImportSummary) -> None:
    if _registry._aliases(store, name).get(alias) != version:
        store.set_alias(name, alias, version=version)
        summary.aliases += 1
