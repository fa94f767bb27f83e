"""store.compare: executions and artifacts side by side, on every backend."""

from __future__ import annotations

import hashlib
import json

import pytest
from rich.console import Console
from rich.table import Table

from trailmark.compare import MISSING, Comparison
from trailmark.errors import NotFoundError, ValidationError


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _run(store, data, *, params, rmse, python, commit, packages):
    env = {"python": python, "platform": "Linux-x86_64", "git": {"commit": commit, "dirty": False},
           "packages": packages, "packages_digest": _sha(json.dumps(packages, sort_keys=True))}
    run = store.start_execution("Train", "train", params=params, environment=env)
    model = store.log_artifact("Model", "rf", digest=_sha(f"model-{rmse}"))
    store.link(run, inputs=[data], outputs=[model], roles={data.id: "train"})
    store.log_metrics(run, {"rmse": rmse + 1, "mae": 2.0}, step=0)
    store.log_metrics(run, {"rmse": rmse, "mae": 2.0}, step=1)
    store.end_execution(run)
    return run, model


@pytest.fixture
def two_runs(store):
    v1 = store.log_artifact("Dataset", "housing", digest=_sha("v1"))
    v2 = store.log_artifact("Dataset", "housing", digest=_sha("v2"))
    a = _run(store, v1, params={"model": "rf", "depth": 10}, rmse=3.0, python="3.11.7", commit="abc",
             packages={"numpy": "1.26.4", "pandas": "2.2.0"})
    b = _run(store, v2, params={"model": "rf", "depth": 12, "seed": 1}, rmse=2.5, python="3.11.9", commit="def",
             packages={"numpy": "2.0.0", "pandas": "2.2.0", "scipy": "1.13.0"})
    return store, a, b, v1, v2


def test_executions_side_by_side(two_runs):
    store, (a, _), (b, _), v1, v2 = two_runs
    result = store.compare(a.ref, b)
    assert isinstance(result, Comparison) and result.refs == (a.ref, b.ref)
    assert result.section("params") == {"depth": (10, 12), "model": ("rf", "rf"), "seed": (MISSING, 1)}
    assert result.section("metrics") == {"mae": (2.0, 2.0), "rmse": (3.0, 2.5)}
    assert result.section("inputs") == {
        "dataset:housing [train]": (f"@1 {v1.digest[:15]}", f"@2 {v2.digest[:15]}")}
    assert result.section("code")["git.commit"] == ("abc", "def")
    assert result.section("environment") == {"platform": ("Linux-x86_64",) * 2, "python": ("3.11.7", "3.11.9")}
    assert result.section("packages") == {"numpy": ("1.26.4", "2.0.0"), "scipy": (MISSING, "1.13.0")}
    differing = {f"{row.section}.{row.key}" for row in result.differences}
    assert differing == {"params.depth", "params.seed", "metrics.rmse", "inputs.dataset:housing [train]",
                         "code.git.commit", "environment.python", "packages.numpy", "packages.scipy"}
    rmse = next(row for row in result.rows if row.key == "rmse")
    assert rmse.note == "-0.5 (-16.7%)"


def test_renderings_show_values_and_mark_differences(two_runs):
    store, (a, _), (b, _), _, _ = two_runs
    result = store.compare(a, b)
    text = str(result)
    assert a.ref in text and b.ref in text
    assert "* " in text and "params.depth" in text and "12" in text and "(8 of" in text
    assert repr(result) == text
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["differences"] == 8 and data["rows"][0]["section"] == "run"
    assert {"section": "params", "key": "seed", "values": [None, 1], "differs": True, "note": ""} in data["rows"]
    table = result.__rich__()
    assert isinstance(table, Table)
    styles = {row.style for row in table.rows}
    assert styles == {"bold yellow", "dim"}
    console = Console(record=True, width=200)
    console.print(result)
    assert "metrics.rmse" in console.export_text()


def test_three_runs_are_measured_against_the_first(two_runs):
    store, (a, _), (b, _), v1, _ = two_runs
    c, _ = _run(store, v1, params={"model": "rf", "depth": 10}, rmse=4.0, python="3.11.7", commit="abc",
                packages={"numpy": "1.26.4", "pandas": "2.2.0"})
    result = store.compare(a, b, c)
    rmse = next(row for row in result.rows if row.key == "rmse")
    assert rmse.values == (3.0, 2.5, 4.0) and rmse.note == "-0.5 (-16.7%), +1 (+33.3%)"


def test_models_carry_the_params_and_metrics_of_their_run(two_runs):
    store, (_, m1), (_, m2), _, _ = two_runs
    result = store.compare(m1.ref, m2.ref)
    assert result.kind == "artifacts"
    assert result.section("metrics")["rmse"] == (3.0, 2.5)
    assert result.section("params")["depth"] == (10, 12)


def test_dataset_versions_compare_schema_and_statistics(store):
    v1 = store.log_artifact("Dataset", "housing", digest=_sha("a"), properties={
        "rows": 1000, "columns": 3, "source": "s3://raw",
        "schema": [{"name": "size", "dtype": "int64"}, {"name": "age", "dtype": "int64"},
                   {"name": "zip", "dtype": "object"}],
        "stats": {"size": {"mean": 100.0, "std": 3.0}, "age": {"mean": 30.0}},
        "missing": {"zip": 5}})
    v2 = store.log_artifact("Dataset", "housing", digest=_sha("b"), properties={
        "rows": 1200, "columns": 3, "source": "s3://raw",
        "schema": [{"name": "size", "dtype": "float64"}, {"name": "age", "dtype": "int64"},
                   {"name": "district", "dtype": "object"}],
        "stats": {"size": {"mean": 110.0}, "age": {"mean": 30.0}},
        "missing": {"size": 12}})
    result = store.compare(v1, v2)
    notes = {f"{row.section}.{row.key}": row.note for row in result.rows}
    assert notes["data.rows"] == "+200 (+20.0%)"
    assert notes["schema.size"] == "int64 → float64"
    assert notes["schema.zip"] == "removed" and notes["schema.district"] == "added"
    assert notes["schema.age"] == ""
    assert notes["mean.size"] == "+10 (+10.0%)" and notes["mean.age"] == ""
    assert result.section("missing")["size"] == (0, 12) and notes["missing.size"] == "+12"
    assert result.section("missing")["zip"] == (5, MISSING)
    assert result.section("properties") == {"source": ("s3://raw", "s3://raw")}
    assert not any(row.section == "metrics" for row in result.rows)


def test_mistakes(two_runs):
    store, (a, m1), _, _, _ = two_runs
    with pytest.raises(ValidationError, match="cannot compare executions with artifacts"):
        store.compare(a, m1)
    with pytest.raises(ValidationError, match="two or more"):
        store.compare(a)
    with pytest.raises(NotFoundError, match="nope"):
        store.compare(a, "dataset:nope")
