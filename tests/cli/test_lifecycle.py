"""CLI faces of the lifecycle calls; the store is checked afterwards through the Python API."""

from __future__ import annotations

import trailmark as tm
from tests.cli.conftest import assert_one_line_error


def test_runs_by_experiment_as_a_tree_and_deleted_on_request(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'lc.db'}"
    with tm.connect(uri) as store:
        with store.run("sweep", experiment="hp") as outer:
            with store.run("trial-1"):
                pass
        with store.run("other-run", experiment="churn"):
            pass
        dropped = store.start_execution("Train", "dropped-run", context="hp")
        store.delete(dropped)
    listed = cli("runs", "--experiment", "hp", uri=uri)
    assert listed.returncode == 0, listed.stderr
    assert "sweep" in listed.stdout and "└ trial-1" in listed.stdout
    assert "other-run" not in listed.stdout and "dropped-run" not in listed.stdout
    assert listed.stdout.index("sweep") < listed.stdout.index("└ trial-1")
    shown = cli("runs", "--deleted", uri=uri)
    assert "dropped-run (deleted)" in shown.stdout
    assert cli("restore", dropped.ref, uri=uri).returncode == 0
    with tm.connect(uri) as store:
        assert store.get(dropped.ref).lifecycle == "active"
        assert store.get(outer.execution.ref).lifecycle == "active"


def test_delete_describe_tags_and_reap(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'lc.db'}"
    with tm.connect(uri) as store:
        run = store.start_execution("Train", "t")
        store.set_tag(run, "owner", "ana")
    assert cli("describe", run.ref, "May snapshot", uri=uri).returncode == 0
    assert cli("tags", "delete", run.ref, "owner", uri=uri).returncode == 0
    assert cli("delete", run.ref, uri=uri).returncode == 0
    reaped = cli("runs", "reap", "--older-than", "7d", uri=uri)
    assert reaped.returncode == 0 and "no RUNNING run" in reaped.stdout
    with tm.connect(uri) as store:
        got = store.get(run.ref)
        assert (got.description, got.lifecycle, store.tags(run)) == ("May snapshot", "deleted", {})
    assert_one_line_error(cli("tags", "delete", run.ref, "owner", uri=uri), "no tag 'owner'")
    assert_one_line_error(cli("runs", "reap", "--older-than", "soon", uri=uri), "invalid duration")


def test_lineage_tree_marks_deleted_nodes(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'lc.db'}"
    with tm.connect(uri) as store:
        raw = store.log_artifact("Dataset", "raw", digest="sha256:" + "3" * 64)
        train = store.start_execution("Train", "fit")
        model = store.log_artifact("Model", "gone-model", digest="sha256:" + "4" * 64)
        store.link(train, inputs=[raw], outputs=[model])
        store.end_execution(train)
        store.delete(model)
    tree = cli("lineage", raw.ref, "--down", uri=uri)
    assert tree.returncode == 0, tree.stderr
    line = next(text for text in tree.stdout.splitlines() if "gone-model" in text)
    assert "(deleted)" in line
