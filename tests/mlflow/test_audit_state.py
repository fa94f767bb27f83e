"""MLflow writes record each run's audited state from the values written, and it equals the rows."""

from __future__ import annotations

import time
from typing import Any

import pytest

import trailmark as tm
from tests.store.sql.built_states import compare_built_states


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    return compare_built_states(monkeypatch)


def test_run_writes_build_their_state(compared: dict[str, list[Any]], store_uri: str, tmp_path: Any) -> None:
    from mlflow.entities import Metric, Param, RunTag
    from mlflow.tracking import MlflowClient

    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    with serve_in_thread(create_app(store_uri, artifacts=(tmp_path / "root").as_uri())) as url:
        client = MlflowClient(tracking_uri=url)
        experiment = client.create_experiment("states")
        run_id = client.create_run(experiment, run_name="first", tags={"team": "a", "b.tag": "x"}).info.run_id
        now = int(time.time() * 1000)
        for attempt in range(2):  # the second batch builds on the state the first recorded
            client.log_batch(run_id, metrics=[Metric("loss", 1.0 / (attempt + 1), now, attempt)],
                             params=[Param(f"p{attempt}", str(attempt)), Param("z", "1")],
                             tags=[RunTag("team", f"t{attempt}"), RunTag("mlflow.runName", f"name-{attempt}")])
        client.update_run(run_id, name="renamed")
        client.set_terminated(run_id, "KILLED")

    assert compared["wrong"] == []
    for action in ("execution.start", "mlflow.log_batch", "execution.update", "execution.end"):
        assert action in compared["built"], compared
    with tm.connect(store_uri) as store:
        assert store.audit.verify(deep=True).ok
