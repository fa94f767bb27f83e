"""`trailmark demo` end to end: the whole pipeline lands in the store, lineage checked both ways."""

from __future__ import annotations

import pytest

import trailmark as tm

pytest.importorskip("sklearn")


def test_demo_builds_the_pipeline(cli, store_uri):
    done = cli("demo", uri=store_uri)
    assert done.returncode == 0, done.stderr
    assert "Deployed" in done.stdout and "Next, try" in done.stdout

    with tm.connect(store_uri) as store:
        deployment = store.get("deployment:house-price-rf")
        production = store.get("model:house-price-rf@production")
        assert deployment.properties["model"] == production.ref
        up = store.lineage(deployment, direction="upstream")
        assert {e.type for e in up.executions()} == {"Ingest", "Preprocess", "Train", "Deploy"}
        assert {a.name for a in up.artifacts("Dataset")} == {"housing-raw", "housing-train"}
        down = store.lineage("dataset:housing-raw", direction="downstream")
        assert {e.type for e in down.executions()} >= {"Validate", "Preprocess", "Train", "Evaluate", "Deploy"}
        assert len(store.models.versions("house-price-rf")) == 2
        assert production.properties["hyperparameters"]["steps"] or production.properties["steps"]
        train = up.executions("Train")[0]
        assert train.environment["packages_digest"] and "rmse" in store.latest_metrics(train)
