"""``trailmark export REF --format openlineage``."""

from __future__ import annotations

import json

import trailmark as tm
from tests.cli.conftest import assert_one_line_error


def test_export_an_execution_as_run_events(cli, store_uri):
    with tm.connect(store_uri) as store:
        raw = store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64)
        train = store.start_execution("Train", "train")
        store.link(train, inputs=[raw])
        store.end_execution(train)
    done = cli("export", train.ref, "--format", "openlineage", uri=store_uri)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["eventType"] for e in events] == ["START", "COMPLETE"]
    assert events[0]["inputs"][0]["name"] == "raw"


def test_export_of_an_artifact_is_refused(cli, store_uri):
    with tm.connect(store_uri) as store:
        store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64)
    assert_one_line_error(cli("export", "dataset:raw", "--format", "openlineage", uri=store_uri), "takes an execution")
