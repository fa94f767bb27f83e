"""trailmark reuse, trailmark similar and trailmark runs --cached, against a real store (and over HTTP)."""

from __future__ import annotations

import json

import pytest

import trailmark as tm
from tests.cli.conftest import assert_one_line_error

pd = pytest.importorskip("pandas")


def _frame(shift: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame({"size": [100.0 + i + shift for i in range(50)], "city": ["a", "b"] * 25})


@pytest.fixture
def filled(store_uri, tmp_path, monkeypatch):
    monkeypatch.setenv("TRAILMARK_CACHE_DIR", str(tmp_path / "cache"))
    with tm.connect(store_uri) as store:
        with store.run("profile") as run:
            run.log_input(_frame(), name="base")
            run.log_input(_frame(shift=9.0), name="next")
        scale = store.start_execution("Preprocess", "scale", params={"method": "standard", "k": 3})
        store.link(scale, inputs=["dataset:base@1"])
        store.end_execution(scale)

        @tm.step(type="Preprocess", name="double", store=store, cache=True)
        def double(df):
            return df * 2

        double(pd.DataFrame({"v": [1, 2, 3]}))
        double(pd.DataFrame({"v": [1, 2, 3]}))
        cached = store.search("cached_from IS NOT NULL", kind="executions")[0]
    return store_uri, scale, cached


def test_reuse_lists_matching_complete_runs(cli, filled):
    uri, scale, _ = filled
    done = cli("reuse", "Preprocess", "--name", "scale", "--param", "method=standard", "--param", "k=3",
               "--input", "dataset:base@1", uri=uri)
    assert done.returncode == 0, done.stderr
    assert scale.ref in done.stdout
    other = cli("reuse", "Preprocess", "--param", "method=minmax", uri=uri)
    assert other.returncode == 0 and "no reusable execution" in other.stdout
    assert_one_line_error(cli("reuse", "Preprocess", "--param", "method", uri=uri), "--param takes KEY=VALUE")


def test_similar_ranks_and_explains(cli, filled):
    uri, _, _ = filled
    done = cli("similar", "dataset:base@1", "--format", "json", uri=uri)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found[0]["artifact"]["ref"] == "dataset:next@1"
    assert "2 of 2 columns shared: size, city" in found[0]["reasons"]
    table = cli("similar", "dataset:base@1", "--limit", "1", uri=uri)
    assert "dataset:next@1" in table.stdout and "score" in table.stdout
    assert_one_line_error(cli("similar", "exec:1", uri=uri), "is an execution, not an artifact")


def test_similar_on_an_artifact_without_a_profile_says_so(cli, filled):
    uri, _, _ = filled
    with tm.connect(uri) as store:
        store.log_artifact("Dataset", "pointer", uri="s3://b/p.csv", digest="sha256:" + "9" * 64)
    assert_one_line_error(cli("similar", "dataset:pointer", uri=uri), "dataset:pointer@1 has no dataset profile")


def test_runs_cached_shows_the_time_saved(cli, filled):
    uri, _, cached = filled
    done = cli("runs", "--cached", uri=uri)
    assert done.returncode == 0, done.stderr
    assert cached.ref in done.stdout and f"exec:{cached.cached_from}" in done.stdout
    assert "time saved:" in done.stdout and "in 1 runs" in done.stdout


def test_reuse_and_similar_over_http(cli, live_server):
    project = "cli-reuse-http"
    with tm.connect(live_server, project=project) as store:
        with store.run("profile") as run:
            run.log_input(_frame(), name="base")
            run.log_input(_frame(shift=3.0), name="next")
    done = cli("--uri", live_server, "--project", project, "similar", "dataset:base@1", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["artifact"]["ref"] == "dataset:next@1"
    found = cli("--uri", live_server, "--project", project, "reuse", "Run", "--name", "profile")
    assert found.returncode == 0 and "profile" in found.stdout
