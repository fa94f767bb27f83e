"""``trailmark search`` and ``trailmark compare``, through their output."""

from __future__ import annotations

import json

import pytest

import trailmark as tm
from tests.cli.conftest import assert_one_line_error


@pytest.fixture
def runs(tmp_path):
    uri = f"sqlite:///{tmp_path / 'cli.db'}"
    with tm.connect(uri) as store:
        data = store.log_artifact("Dataset", "raw", digest="sha256:" + "1" * 64)
        made = []
        for depth, rmse in ((5, 0.4), (10, 0.3), (20, 0.5)):
            run = store.start_execution("Train", f"train-{depth}", params={"depth": depth})
            store.link(run, inputs=[data])
            store.log_metrics(run, {"rmse": rmse})
            store.end_execution(run)
            made.append(run)
    return uri, made


def test_search_table_and_json(cli, runs):
    uri, (five, ten, twenty) = runs
    shown = cli("search", "params.depth >= 10", "--kind", "executions", "--order-by", "metrics.rmse", uri=uri)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.index(ten.ref) < shown.stdout.index(twenty.ref) and five.ref not in shown.stdout
    paged = cli("search", "", "--kind", "executions", "--limit", "1", "--format", "json", uri=uri)
    data = json.loads(paged.stdout)
    assert [item["ref"] for item in data["items"]] == [twenty.ref] and data["next_page_token"]
    more = cli("search", "--kind", "executions", "--limit", "1", "--page-token", data["next_page_token"], uri=uri)
    assert ten.ref in more.stdout and "--page-token" in more.stdout
    assert "dataset:raw@1" in cli("search", "type = 'Dataset'", uri=uri).stdout
    assert "nothing matches" in cli("search", "name = 'x'", uri=uri).stdout


def test_compare_table_and_json(cli, runs):
    uri, (five, ten, _) = runs
    shown = cli("compare", five.ref, ten.ref, uri=uri)
    assert shown.returncode == 0, shown.stderr
    assert "params.depth" in shown.stdout and "0.3" in shown.stdout
    data = json.loads(cli("compare", five.ref, ten.ref, "--format", "json", uri=uri).stdout)
    assert data["refs"] == [five.ref, ten.ref] and data["differences"] == 3


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("search", "metric.rmse < 1"), "did you mean 'metrics.rmse'?"),
        (("search", "status = 'FAILED'"), "applies to executions, not artifacts"),
        (("search", "", "--page-token", "junk"), "invalid page token"),
        (("compare", "exec:1"), "two or more"),
    ],
)
def test_mistakes_are_one_line(cli, runs, args, fragment):
    assert_one_line_error(cli(*args, uri=runs[0]), fragment)
