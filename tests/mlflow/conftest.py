"""A real ``trailmark server`` on loopback per test, on each SQL backend, and the real mlflow client."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

collect_ignore_glob = [] if importlib.util.find_spec("mlflow") else ["test_*.py"]


@pytest.fixture(autouse=True)
def _fail_fast(monkeypatch):
    # MLflow's client retries with backoff by default: an error must surface at once
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)


@pytest.fixture
def server(store_uri: str, tmp_path: Path) -> Iterator[str]:
    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    app = create_app(store_uri, artifacts=(tmp_path / "artifact-root").as_uri())
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
def client(server: str):
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=server, registry_uri=server)
