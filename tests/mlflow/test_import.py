"""``trailmark import mlflow``: an mlruns folder copied with histories, inputs and registry; again, only the new."""

from __future__ import annotations

import warnings

import pytest

import trailmark as tm
from trailmark.mlflow import import_mlflow


@pytest.fixture
def mlruns(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow.tracking import MlflowClient

    uri = (tmp_path / "mlruns").as_uri()
    return MlflowClient(tracking_uri=uri, registry_uri=uri), tmp_path / "mlruns"


@pytest.mark.slow
def test_import_keeps_histories_nesting_inputs_and_registry(mlruns, tmp_path):
    pd = pytest.importorskip("pandas")
    import mlflow
    from mlflow.entities import Metric

    source, folder = mlruns
    exp_id = source.create_experiment("legacy", tags={"team": "pricing"})
    start = 1_700_000_000_000
    parent = source.create_run(exp_id, run_name="sweep", start_time=start).info.run_id
    child = source.create_run(exp_id, run_name="trial", start_time=start + 10,
                              tags={"mlflow.parentRunId": parent, "owner": "ana"}).info.run_id
    source.log_batch(child, metrics=[Metric("rmse", 40.0 - i, start + i, i) for i in range(3)])
    source.log_param(child, "max_depth", "7")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = mlflow.data.from_pandas(pd.DataFrame({"x": [1, 2]}), name="housing")
    source.log_inputs(child, [mlflow.entities.DatasetInput(dataset._to_mlflow_entity(), tags=[
        mlflow.entities.InputTag("mlflow.data.context", "training")])])
    source.set_terminated(child, status="FAILED", end_time=start + 60_000)
    source.set_terminated(parent, end_time=start + 90_000)
    source.create_registered_model("rf")
    source.create_model_version("rf", "s3://models/rf/1", run_id=child)
    source.create_model_version("rf", "s3://models/rf/2", run_id=child)
    source.set_registered_model_alias("rf", "champion", "2")

    store = tm.connect(f"sqlite:///{tmp_path / 'tm.db'}")
    summary = import_mlflow(store, str(folder))
    assert (summary.experiments, summary.runs, summary.metric_points, summary.datasets) == (1, 2, 3, 1)
    assert (summary.models, summary.versions, summary.aliases) == (1, 2, 1)
    trial = store.get(f"run:{child}")
    assert trial.parent_id == store.get(f"run:{parent}").id and trial.status == "FAILED"
    assert [m.value for m in store.metrics(trial, key="rmse")] == [40.0, 39.0, 38.0]
    assert round(trial.ended_at.timestamp() * 1000) == start + 60_000
    assert store.tags(trial)["owner"] == "ana"
    up = store.lineage(trial, direction="upstream", depth=1)
    assert [(e.role, a.name) for e in up.edges for a in up.artifacts() if e.source == a.id] == [("training", "housing")]
    assert store.get("model:rf@champion").version == 2
    assert store.lineage("model:rf@1", direction="upstream", depth=1).executions()[0].uid == child

    again = import_mlflow(store, str(folder))
    assert (again.runs, again.runs_skipped, again.versions, again.aliases) == (0, 2, 0, 0)
    assert len(store.search("type = 'Run'", kind="executions", limit=100).items) == 2
    store.close()


def test_import_refuses_what_is_not_a_store(tmp_path):
    with tm.connect(f"sqlite:///{tmp_path / 'tm.db'}") as store:
        with pytest.raises(tm.ValidationError, match="not an mlruns folder"):
            import_mlflow(store, str(tmp_path / "missing"))
