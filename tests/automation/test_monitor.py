"""Production monitoring on every backend: monitor, drift history, thresholds, drift.detected."""

from __future__ import annotations

import pytest

import trailmark as tm
from tests.automation.conftest import wait_for

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
from trailmark.capture import describe_dataset  # noqa: E402  (needs pandas)


def training_frame(rows: int = 600, seed: int = 7):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"size": rng.normal(1500, 300, rows).round(1), "city": rng.choice(["a", "b", "c"], rows)})


@pytest.fixture
def deployment(store):
    """A model trained on a profiled frame (role train), deployed; returns its reference."""
    described = describe_dataset(training_frame())
    run = store.start_execution("Train", "train")
    data = store.log_artifact("Dataset", "housing-train", digest=described.digest, properties=described.properties)
    model = store.log_artifact("Model", "house-price-rf", uri="s3://m/1.bin", digest="sha256:" + "2" * 64)
    store.link(run, inputs=[data], outputs=[model], roles={data.id: "train"})
    store.end_execution(run)
    deployed = store.models.deploy(model.ref, endpoint="https://models.example.invalid/hp", health="healthy")
    return f"deployment:{deployed.name}"


def test_a_shifted_column_drifts_and_the_others_do_not(store, deployment):
    batch = training_frame(400, seed=8)
    batch["size"] = batch["size"] * 1.6
    report = store.monitor(deployment, batch)
    assert report.drifted and report.columns["size"]["drifted"] and report.columns["size"]["test"] == "psi"
    assert not report.columns["city"]["drifted"] and report.columns["city"]["test"] == "js"
    assert report.training == "dataset:housing-train@1" and report.model == "model:house-price-rf@1"

    monitor = store.get(report.execution)
    assert monitor.type == "Monitor" and monitor.status == "COMPLETE"
    upstream = store.lineage(report.execution, direction="upstream", depth=1).artifacts()
    assert {a.type for a in upstream} == {"Deployment", "Dataset", "ProductionBatch"}
    assert store.get(report.ref).type == "DriftReport"

    calm = store.monitor(deployment, training_frame(400, seed=9))
    assert not calm.drifted, calm.columns
    assert [r.drifted for r in store.drift_history(deployment)] == [True, False]


def test_thresholds_are_set_per_deployment(store, deployment):
    batch = training_frame(400, seed=8)
    batch["size"] = batch["size"] * 1.6
    assert store.drift_thresholds(deployment) == {}
    in_force = store.set_drift_thresholds(deployment, {"psi": 50.0, "ks": 1.0})
    assert in_force["psi"] == 50.0 and in_force["js"] == 0.1
    assert store.drift_thresholds(deployment) == {"psi": 50.0, "ks": 1.0}
    report = store.monitor(deployment, batch)
    psi = next(c for c in report.columns["size"]["checks"] if c["test"] == "psi")
    assert psi["threshold"] == 50.0 and psi["statistic"] > 0.2 and not report.columns["size"]["drifted"]
    with pytest.raises(tm.ValidationError, match="unknown drift test"):
        store.set_drift_thresholds(deployment, {"p-value": 0.05})


def test_bad_batches_and_deployments_are_refused_and_nothing_is_stored(store, deployment):
    with pytest.raises(tm.ValidationError, match="match none of the columns of dataset:housing-train@1"):
        store.monitor(deployment, pd.DataFrame({"other": [1.0, 2.0, 3.0]}))
    with pytest.raises(tm.NotFoundError, match="nowhere"):
        store.monitor("deployment:nowhere", training_frame(10))
    with pytest.raises(tm.ValidationError, match="is not a deployment"):
        store.monitor("model:house-price-rf@1", training_frame(10))
    for kind, filter in (("executions", "type = 'Monitor'"), ("artifacts", "type = 'ProductionBatch'")):
        assert not store.search(filter, kind=kind).items


def test_a_missing_column_is_a_schema_drift(store, deployment):
    report = store.monitor(deployment, training_frame(300)[["size"]])
    assert report.drifted and report.schema["missing"] == ["city"]
    assert report.columns["city"]["test"] == "schema" and report.columns["city"]["drifted"]


def test_drift_fires_drift_detected(store, deployment, receiver):
    store.webhooks.add(receiver.url, events=["drift.detected"], secret="k")
    store.monitor(deployment, training_frame(400, seed=3))  # calm: no event
    batch = training_frame(400, seed=8)
    batch["size"] = batch["size"] + 5000
    report = store.monitor(deployment, batch)
    (body,) = wait_for(lambda: receiver.bodies("drift.detected"))
    assert body["subject"] == store.get(deployment).ref and body["data"]["report"] == report.ref
    assert list(body["data"]["columns"]) == ["size"]
