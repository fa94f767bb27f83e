"""The commands, checked through their output and through the store afterwards."""

from __future__ import annotations

import json

import pytest

import trailmark as tm
from tests.cli.conftest import assert_one_line_error


@pytest.fixture
def filled(store_uri):
    with tm.connect(store_uri) as store:
        raw = store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64)
        train = store.start_execution("Train", "train", params={"max_depth": 10})
        model = store.log_artifact("Model", "rf", digest="sha256:" + "2" * 64)
        store.link(train, inputs=[raw], outputs=[model])
        store.log_metrics(train, {"rmse": 28000.0}, step=0)
        store.end_execution(train)
        store.models.set_alias("rf", "production", version=1)
    return store_uri, raw, train, model


def test_show_an_artifact_and_an_execution(cli, filled):
    uri, raw, train, model = filled
    shown = cli("show", "model:rf@production", uri=uri)
    assert shown.returncode == 0, shown.stderr
    assert "model:rf@1" in shown.stdout and model.digest[:19] in shown.stdout  # shortened to fit; full in JSON
    run = cli("show", train.ref, uri=uri)
    assert "max_depth" in run.stdout and "rmse=28000" in run.stdout
    as_json = json.loads(cli("show", raw.ref, "--format", "json", uri=uri).stdout)
    assert as_json["digest"] == raw.digest and as_json["ref"] == "dataset:raw@1"


@pytest.mark.parametrize("format, marker", [("tree", "model:rf@1"), ("dot", "digraph"), ("mermaid", "flowchart LR")])
def test_lineage_formats(cli, filled, format, marker):
    uri, *_ = filled
    done = cli("lineage", "dataset:raw", "--down", "--format", format, uri=uri)
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout


def test_lineage_json_up_with_depth_and_types(cli, filled):
    uri, raw, train, model = filled
    up = json.loads(cli("lineage", model.ref, "--up", "--depth", "1", "--format", "json", uri=uri).stdout)
    assert {n["id"] for n in up["nodes"]} == {model.id, train.id}
    models = json.loads(cli("lineage", raw.ref, "--type", "Model", "--format", "json", uri=uri).stdout)
    assert {n["name"] for n in models["nodes"]} == {"raw", "rf"}


def test_runs_and_models_list(cli, filled):
    uri, *_ = filled
    runs = cli("runs", uri=uri)
    assert runs.returncode == 0 and "exec:" in runs.stdout and "COMPLETE" in runs.stdout
    models = cli("models", uri=uri)
    assert "rf" in models.stdout and "production" in models.stdout


def test_export_json(cli, filled):
    uri, raw, train, model = filled
    document = json.loads(cli("export", train.ref, uri=uri).stdout)
    assert document["node"]["id"] == train.id
    assert [m["value"] for m in document["metrics"]] == [28000.0]
    assert {n["id"] for n in document["lineage"]["nodes"]} == {raw.id, train.id, model.id}


@pytest.mark.parametrize(
    "args, fragments",
    [
        (("show", "dataset:nope"), ("no dataset named 'nope'",)),
        (("show", "not-a-ref"), ("cannot read reference",)),
        (("lineage", "exec:999"), ("exec:999",)),
        (("--uri", "mysql://x/y", "runs"), ("unsupported store URI",)),
        (("nosuch",), ("No such command 'nosuch'",)),
        (("lineage", "dataset:x", "--depth", "-1"), ("--depth",)),
        (("--uri", "postgresql://nobody@127.0.0.1:1/none", "runs"), ("database error",)),
    ],
)
def test_mistakes_are_one_line_and_exit_1(cli, tmp_path, args, fragments):
    uri = f"sqlite:///{tmp_path / 'empty.db'}"
    tm.connect(uri).close()  # an empty store: read commands refuse a missing one before looking further
    done = cli(*args, uri=uri)
    assert_one_line_error(done, *fragments)


def test_newer_store_is_refused_in_one_line(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'future.db'}"
    tm.connect(uri).close()
    import sqlite3

    with sqlite3.connect(tmp_path / "future.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff'")
    assert_one_line_error(cli("runs", uri=uri), "newer Trailmark")
    assert_one_line_error(cli("db", "upgrade", uri=uri), "newer Trailmark")


def test_db_upgrade_is_idempotent(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'up.db'}"
    first = cli("db", "upgrade", uri=uri)
    assert first.returncode == 0 and "upgraded" in first.stdout
    assert "already at revision" in cli("db", "upgrade", uri=uri).stdout


def test_help_lists_every_command(cli):
    done = cli("--help")
    for command in ("demo", "show", "lineage", "runs", "models", "export", "db"):
        assert command in done.stdout
