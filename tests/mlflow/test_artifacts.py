"""Files, models and autolog through MLflow's artifact proxy, kept in Trailmark's artifact root."""

from __future__ import annotations

import warnings

import pytest

import trailmark as tm


def test_artifacts_round_trip(client, tmp_path):
    run_id = client.create_run("0").info.run_id
    (tmp_path / "out" / "plots").mkdir(parents=True)
    (tmp_path / "out" / "notes.txt").write_text("fine\n")
    (tmp_path / "out" / "plots" / "a.png").write_bytes(b"\x89PNG" * 1000)
    client.log_artifacts(run_id, str(tmp_path / "out"))
    client.log_artifact(run_id, str(tmp_path / "out" / "notes.txt"), artifact_path="copy")

    top = {f.path: f.is_dir for f in client.list_artifacts(run_id)}
    assert top == {"copy": True, "notes.txt": False, "plots": True}
    assert [f.path for f in client.list_artifacts(run_id, "plots")] == ["plots/a.png"]
    target = client.download_artifacts(run_id, "plots", str(tmp_path / "back"))
    assert (tmp_path / "back" / "plots" / "a.png").read_bytes() == b"\x89PNG" * 1000 and target.endswith("plots")
    kept = [p for p in (tmp_path / "artifact-root").rglob("*") if p.is_file()]
    assert len(kept) == 2, "notes.txt and its copy are the same bytes, kept once"


@pytest.mark.slow
def test_sklearn_autolog_lands_in_lineage_and_loads_back(server, monkeypatch):
    mlflow = pytest.importorskip("mlflow")
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    X = pd.DataFrame({"size": np.arange(30.0), "rooms": np.arange(30.0) % 4})
    y = 3 * X["size"] + 2
    mlflow.set_experiment("autolog")
    mlflow.sklearn.autolog(log_input_examples=False, log_model_signatures=False, silent=True)
    try:
        # autolog swallows what fails inside it: the suite's warnings-as-errors would silently skip the model
        with warnings.catch_warnings(), mlflow.start_run(run_name="pipeline") as run:
            warnings.simplefilter("ignore")
            pipeline = make_pipeline(StandardScaler(), LinearRegression()).fit(X, y)
    finally:
        mlflow.sklearn.autolog(disable=True)
        while mlflow.active_run():
            mlflow.end_run()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlflow.register_model(f"runs:/{run.info.run_id}/model", "autolog-pipeline")

    store = tm.connect(server)
    execution = store.get(f"run:{run.info.run_id}")
    assert execution.params["linearregression__fit_intercept"] == "True"
    graph = store.lineage(f"run:{run.info.run_id}", direction="both", depth=1)
    types = {(a.type, a.name) for a in graph.artifacts()}
    assert ("Model", "model") in types, types
    assert any(t == "Dataset" for t, _ in types), "autolog's training data is an input"
    roles = {e.role for e in graph.edges if e.kind == "INPUT"}
    assert "train" in roles or "training" in roles, roles
    store.close()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = mlflow.pyfunc.load_model("models:/autolog-pipeline/1")
        same = mlflow.sklearn.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(loaded.predict(X), pipeline.predict(X))
    np.testing.assert_allclose(same.predict(X), pipeline.predict(X))
