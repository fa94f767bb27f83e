"""The CI example and the retraining loop run as written: drift.detected starts a new training run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import trailmark as tm
from tests.automation.conftest import free_port, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.slow


def test_drift_detected_retrains_through_the_example_receiver(tmp_path):
    pytest.importorskip("sklearn")
    from trailmark.demo import generate_housing

    uri = f"sqlite:///{tmp_path / 'tm.db'}"
    trained = subprocess.run([sys.executable, str(EXAMPLES / "ci" / "train.py"), "--uri", uri],
                             capture_output=True, text=True, timeout=300, check=True)
    assert trained.stdout.strip().splitlines()[-1] == "model:house-price-rf@1"
    gate = subprocess.run([sys.executable, "-m", "trailmark", "--uri", uri, "gate", "model:house-price-rf@1",
                           "--baseline", "model:house-price-rf@production", "--metric", "rmse"],
                          capture_output=True, text=True, timeout=120)
    assert gate.returncode == 0 and "no baseline" in gate.stdout

    port = free_port()
    receiver = subprocess.Popen([sys.executable, str(EXAMPLES / "retrain_on_drift.py"), "--port", str(port),
                                 "--secret", "s3cret", "--uri", uri], stdout=subprocess.PIPE, text=True)
    try:
        assert "listening" in (receiver.stdout.readline() if receiver.stdout else "")
        with tm.connect(uri) as store:
            store.models.set_alias("house-price-rf", "production", version=1)
            store.models.deploy("model:house-price-rf@production", endpoint="https://models.example.invalid")
            store.webhooks.add(f"http://127.0.0.1:{port}/hook", events=["drift.detected"], secret="s3cret")
            batch = generate_housing(seed=3)[["size", "bedrooms", "age"]]
            batch["size"] = batch["size"] * 3
            assert store.monitor("deployment:house-price-rf", batch).drifted
            retrained = wait_for(lambda: len(store.models.versions("house-price-rf")) == 2, timeout=120)
            (hook,) = store.webhooks.list()
            assert [d.status_code for d in store.webhooks.deliveries(hook.id)] == [204]
        assert retrained, "the receiver started a retraining run that logged version 2"
    finally:
        receiver.terminate()
        receiver.communicate(timeout=30)  # closes its stdout too
