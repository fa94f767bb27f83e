"""Kept bytes through the store: log_file, log_model(save=True), open, load_model; SQL and HTTP."""

from __future__ import annotations

import hashlib
import os

import pytest

import trailmark as tm
from tests.server.live import serve_in_thread
from trailmark.artifacts import CorruptArtifactError
from trailmark.errors import NotFoundError, ValidationError


@pytest.fixture
def server_url(tmp_path):
    from trailmark.server import create_app

    app = create_app(f"sqlite:///{tmp_path / 'server.db'}", artifacts=(tmp_path / "served").as_uri())
    with serve_in_thread(app) as url:
        yield url


def test_log_file_and_open_on_sql(store_uri, tmp_path, write_file):
    store = tm.connect(store_uri, artifacts=f"memory://tm-{os.getpid()}-{tmp_path.name}")
    src = write_file("report.html", b"<h1>ok</h1>")
    with store.run("eval", type="Evaluate") as run:
        report = run.log_file(str(src), type="Report", name="eval-report")
    assert report.ref == "report:eval-report@1"
    assert report.properties["stored"]["size"] == 11
    assert report.uri.startswith("memory://")
    with store.open("report:eval-report") as f:
        assert f.read() == b"<h1>ok</h1>"
    outputs = store.lineage(report, direction="upstream", depth=1).executions()
    assert [e.name for e in outputs] == ["eval"]
    store.close()


def test_a_store_without_root_says_how_to_get_one(postgres_uri, write_file, monkeypatch):
    monkeypatch.delenv("TRAILMARK_ARTIFACTS", raising=False)
    with tm.connect(postgres_uri) as store, store.run("eval") as run:
        with pytest.raises(ValidationError, match="artifacts="):
            run.log_file(str(write_file("a.txt", "a")))


def test_open_of_an_artifact_without_bytes(tmp_path):
    with tm.connect(f"sqlite:///{tmp_path / 't.db'}") as store:
        pointer = store.log_artifact("Dataset", "remote", "s3://bucket/x.parquet", digest="sha256:" + "a" * 64)
        with pytest.raises(NotFoundError, match="no kept bytes"):
            store.open(pointer)


def test_saved_models_use_skops_and_pickle_only_when_asked(tmp_path):
    np = pytest.importorskip("numpy")
    linear = pytest.importorskip("sklearn.linear_model")
    store = tm.connect(f"sqlite:///{tmp_path / 't.db'}")
    X = np.arange(20, dtype=float).reshape(10, 2)
    model = linear.Ridge().fit(X, X[:, 0])
    with store.run("train") as run:
        saved = run.log_model(model, name="ridge", save=True)
        pickled = run.log_model({"weights": [1, 2]}, name="lookup", format="pickle")
        with pytest.raises(ValidationError, match="format='pickle'"):
            run.log_model({"weights": [3]}, name="other", save=True)
    assert saved.properties["stored"]["format"] == "skops"
    assert pickled.properties["stored"]["format"] == "pickle"
    np.testing.assert_allclose(tm.load_model("model:ridge").predict(X), model.predict(X))
    assert tm.load_model("model:lookup") == {"weights": [1, 2]}
    with pytest.raises(NotFoundError, match="no saved model file"):
        store.log_artifact("Model", "bare", digest="sha256:" + "b" * 64)
        tm.load_model("model:bare")
    store.close()


@pytest.mark.slow
def test_http_streams_both_ways_and_checks_the_digest(server_url, tmp_path, write_file):
    data = os.urandom(5 * 1024 * 1024 + 17)
    src = write_file("big.bin", data)
    with tm.connect(server_url) as remote:
        with remote.run("export") as run:
            kept = run.log_file(str(src), type="Report")
        assert kept.digest == "sha256:" + hashlib.sha256(data).hexdigest()
        with remote.open(kept.ref) as f:
            assert f.read(1000) == data[:1000]
            assert f.read() == data[1000:]
        served = [p for p in (tmp_path / "served").rglob("*") if p.is_file()]
        assert len(served) == 1
        served[0].chmod(0o644)
        served[0].write_bytes(data[:-1] + b"?")
        with pytest.raises(CorruptArtifactError, match=kept.ref), remote.open(kept.ref) as f:
            f.read()
        with pytest.raises(ValidationError, match="--artifacts-root"):
            tm.connect(server_url, artifacts="file:///elsewhere")
