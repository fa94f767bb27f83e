"""``reproduce`` and the model card in ``show`` / ``export``, checked against the store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

import trailmark as tm
from tests.cli.conftest import assert_one_line_error
from trailmark.registry import model_card
from trailmark.reproduce import recipe

pytest.importorskip("sklearn", reason="scikit-learn is not installed: pip install 'trailmark[sklearn]'")


def _git_repo(path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    path.mkdir()
    (path / "train.py").write_text("print('train')\n")
    for args in (["init", "-q", "-b", "main"], ["add", "train.py"], ["commit", "-q", "-m", "train"]):
        subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=path, check=True)
    found = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True, check=True)
    return found.stdout.strip()


TRAIN = """
import sys
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
import trailmark as tm

frame = pd.DataFrame({"size": [1000.0, 2000.0, 3000.0], "bedrooms": [2.0, None, 4.0], "price": [1.0, 2.0, 3.0]})
pipeline = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                     ("model", RandomForestRegressor(n_estimators=3, random_state=11))])
with tm.connect(sys.argv[1]) as store:
    with store.run("train", type="Train", params={"data": {"seed": 5}, "n_estimators": 3}) as run:
        run.log_input(frame, name="houses", role="train")
        model = run.log_model(pipeline.fit(frame[["size", "bedrooms"]], frame["price"]), name="rf")
        run.log_metrics({"rmse": 0.5, "r2": 0.9}, step=0)
    store.models.set_alias("rf", "production", version=model.version)
    store.models.deploy("model:rf@production", endpoint="https://models.example/rf")
"""


@pytest.fixture
def trained(store_uri, tmp_path):
    """A pipeline trained by a script in a git checkout, then deployed; returns (uri, model, commit).

    A separate process, since the environment (git state included) is captured once per process.
    """
    repo = tmp_path / "repo"
    commit = _git_repo(repo)
    done = subprocess.run([sys.executable, "-c", TRAIN, store_uri], cwd=repo, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, done.stderr
    with tm.connect(store_uri) as store:
        model = store.get("model:rf@production")
    return store_uri, model, commit


def test_reproduce_json_matches_the_python_twin(cli, trained):
    uri, model, commit = trained
    done = cli("reproduce", "model:rf@production", "--format", "json", uri=uri)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    with tm.connect(uri) as store:
        assert found == json.loads(json.dumps(recipe(store, model.ref)))
    assert found["code"]["commit"] == commit and found["code"]["branch"] == "main" and found["code"]["dirty"] is False
    assert found["seeds"] == {"data.seed": 5}
    assert [i["ref"] for i in found["inputs"]] == ["dataset:houses@1"] and found["inputs"][0]["role"] == "train"
    assert "scikit-learn" in found["packages"]


def test_reproduce_readable(cli, trained):
    uri, model, commit = trained
    done = cli("reproduce", "model:rf@production", uri=uri)
    assert done.returncode == 0, done.stderr
    for text in (commit, "main", "clean", "dataset:houses@1", "data.seed=5", "Python", "packages"):
        assert text.lower() in done.stdout.lower(), text
    by_exec = cli("reproduce", json.loads(cli("reproduce", model.ref, "--format", "json", uri=uri).stdout)["execution"],
                  uri=uri)
    assert by_exec.returncode == 0 and "dataset:houses@1" in by_exec.stdout


def test_reproduce_an_artifact_logged_outside_a_run(cli, store_uri):
    with tm.connect(store_uri) as store:
        store.log_artifact("Dataset", "raw", digest="sha256:" + "7" * 64)
    assert_one_line_error(cli("reproduce", "dataset:raw", uri=store_uri), "dataset:raw@1 has no producing run")


def test_show_a_model_says_how_it_was_built(cli, trained):
    uri, *_ = trained
    done = cli("show", "model:rf@production", uri=uri)
    assert done.returncode == 0, done.stderr
    for text in ("how it was built", "dataset:houses@1", "bedrooms: median = 3", "size: standard_scaler mean=2000",
                 "n_estimators=3", "rmse=0.5", "https://models.example/rf"):
        assert text in done.stdout, text


def test_export_a_model_as_one_metadata_document(cli, trained):
    uri, model, _ = trained
    done = cli("export", "model:rf@production", "--format", "json", uri=uri)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert {"node", "tags", "lineage"} <= set(document)  # the keys every export has
    assert document["node"]["ref"] == model.ref
    with tm.connect(uri) as store:
        card = json.loads(json.dumps(model_card(store, model.ref)))
    assert {key: document[key] for key in card} == card
    assert document["preprocessing_details"]["imputation"]["bedrooms"] == {"strategy": "median", "value": 3.0}
    assert document["preprocessing_details"]["scaling"]["size"]["mean"] == 2000.0
    assert document["hyperparameters"]["n_estimators"] == 3
    assert document["evaluation_metrics"] == {"r2": 0.9, "rmse": 0.5}
    assert document["dataset_version"]["ref"] == "dataset:houses@1"
    assert document["endpoint_url"] == "https://models.example/rf" and document["deployed_on"]
