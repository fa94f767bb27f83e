"""examples/house_prices.py runs as written, and the model card reads back what capture recorded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import trailmark as tm
from trailmark.registry import model_card

pytest.importorskip("sklearn", reason="the example needs scikit-learn: pip install 'trailmark[demo]'")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "house_prices.py"


def test_house_prices_example(tmp_path):
    uri = f"sqlite:///{tmp_path / 'trailmark.db'}"
    env = {k: v for k, v in os.environ.items() if k != "TRAILMARK_URI"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--uri", uri, "--data-dir", str(tmp_path / "data")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "model:house-price-rf@1 is production" in done.stdout

    with tm.connect(uri) as store:
        card = model_card(store, "model:house-price-rf@production")
        train = store.get("dataset:housing-train-features")
        raw = store.get("dataset:housing-raw")
    details = card["preprocessing_details"]
    assert details["imputation"]["bedrooms"]["strategy"] == "median"
    assert details["imputation"]["bedrooms"]["value"] == 3.0
    size = details["scaling"]["size"]
    assert size["method"] == "standard_scaler"
    assert 1300 < size["mean"] < 1700 and 400 < size["std"] < 600
    assert "size_per_bedroom" in details["added_features"]
    assert card["hyperparameters"]["n_estimators"] == 100 and card["hyperparameters"]["max_depth"] == 10
    assert {"rmse", "r2"} <= set(card["evaluation_metrics"])
    assert card["evaluation_metrics"]["rmse"] > 0 and 0 < card["evaluation_metrics"]["r2"] <= 1
    assert card["dataset_version"] == {"ref": train.ref, "type": "Dataset", "digest": train.digest, "uri": None,
                                       "role": "train"}
    assert raw.ref in {item["ref"] for item in card["inputs"]}
    assert card["endpoint_url"] == "http://127.0.0.1:8080/predict" and card["deployed_on"]
