"""MLflow clients authenticate like Trailmark's: ``MLFLOW_TRACKING_TOKEN`` is a Trailmark token, its roles apply."""

from __future__ import annotations

import pytest
from mlflow.exceptions import MlflowException

import trailmark as tm


def test_tokens_and_roles_are_honoured(store_uri, server, monkeypatch):
    from mlflow.tracking import MlflowClient

    with tm.connect(store_uri) as admin:
        for user, role in (("ana", "editor"), ("vic", "viewer")):
            admin.add_user(user)
            admin.add_member("default", user, role)
        tokens = {user: admin.create_token(user).token for user in ("ana", "vic")}
    client = MlflowClient(tracking_uri=server)

    with pytest.raises(MlflowException) as info:
        client.search_experiments()
    assert info.value.error_code == "UNAUTHENTICATED"

    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", tokens["ana"])
    exp_id = client.create_experiment("secured")
    run_id = client.create_run(exp_id, tags={"mlflow.user": "someone-else"}).info.run_id
    assert client.get_run(run_id).info.user_id == "ana", "an authenticated caller is the run's creator"

    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", tokens["vic"])
    assert client.get_experiment(exp_id).name == "secured"
    with pytest.raises(MlflowException) as info:
        client.log_param(run_id, "x", "1")
    assert info.value.error_code == "PERMISSION_DENIED"
