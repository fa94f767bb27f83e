"""Answers are gzipped only from 4 KiB on, when the client accepts it, and kept bytes never."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from trailmark.server._compress import MIN_BYTES, UNCOMPRESSED  # noqa: E402
from trailmark.server.app import create_app  # noqa: E402


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.delenv("TRAILMARK_AUTH", raising=False)
    with TestClient(create_app(f"sqlite:///{tmp_path / 'tm.db'}")) as found:
        yield found


def test_a_large_answer_is_gzipped_and_a_small_one_is_not(client):
    large = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert large.status_code == 200 and len(large.content) >= MIN_BYTES
    assert large.headers["content-encoding"] == "gzip" and large.json()["info"]["title"] == "Trailmark"
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "content-encoding" not in small.headers


def test_nothing_is_gzipped_for_a_client_that_does_not_accept_it(client):
    plain = client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers


def test_kept_bytes_are_never_gzipped(client):
    client.put("/api/2.0/mlflow-artifacts/artifacts/0/run/artifacts/big.txt", content=b"a" * (MIN_BYTES * 4))
    answer = client.get("/api/2.0/mlflow-artifacts/artifacts/0/run/artifacts/big.txt",
                        headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.content == b"a" * (MIN_BYTES * 4)
    assert "content-encoding" not in answer.headers
    assert "/api/v1/bytes/" in UNCOMPRESSED
