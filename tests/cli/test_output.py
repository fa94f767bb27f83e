"""What the commands print, at 80 and 120 columns, piped (plain text) and on a terminal (colour).

Each width and mode is one process (COLUMNS, and TTY_COMPATIBLE=1 for Rich's terminal mode)
that runs every command in turn on the demo's store, so that the output is the real one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

import trailmark as tm

pytestmark = pytest.mark.slow

LONG = "train-random-forest-with-a-rather-long-descriptive-name"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

COMMANDS = {
    "runs": ["runs"],
    "models": ["models"],
    "search_models": ["search", "metrics.rmse < 100000", "--kind", "models"],
    "search_runs": ["search", "metrics.r2 > 0", "--kind", "executions"],
    "compare": ["compare", "exec:8", "exec:11"],
    "lineage": ["lineage", "dataset:housing-raw@1"],
    "show": ["show", "model:house-price-rf@production"],
    "reproduce": ["reproduce", "model:house-price-rf@production"],
    "leaderboard": ["leaderboard", "house-prices", "--metric", "rmse"],
    "audit": ["audit", "log", "--limit", "20"],
    "runs_json": ["runs", "--format", "json"],
    "runs_csv": ["runs", "--format", "csv"],
    "models_csv": ["models", "--format", "csv"],
    "search_csv": ["search", "metrics.rmse < 100000", "--kind", "models", "--format", "csv"],
    "leaderboard_json": ["leaderboard", "house-prices", "--metric", "rmse", "--format", "json"],
    "audit_csv": ["audit", "log", "--limit", "20", "--format", "csv"],
    "alias_history_csv": ["models", "alias", "history", "house-price-rf", "--format", "csv"],
    "alias_history": ["models", "alias", "history", "house-price-rf"],
    "webhooks_json": ["webhooks", "list", "--format", "json"],
    "drift_csv": ["drift", "deployment:house-price-rf", "--format", "csv"],
}

# Runs in its own process: one Console for the whole process, as for a user.
DRIVER = """
import contextlib, io, json, sys
from trailmark.cli import app
out = {}
for key, args in json.loads(sys.argv[1]).items():
    sys.argv = ["trailmark", *args]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        try:
            app(args, standalone_mode=False)
        except SystemExit:
            pass
    out[key] = buffer.getvalue()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def store_uri(tmp_path_factory):
    from trailmark.demo import run_demo

    root = tmp_path_factory.mktemp("output")
    uri = f"sqlite:///{root / 'demo.db'}"
    with tm.connect(uri) as store:
        run_demo(store, root / "data")
        with store.run(LONG, type="Train", experiment="house-prices", params={"max_depth": 12}) as run:
            run.log_metrics({"rmse": 24578.33291, "r2": 0.912345678})
    return uri


@pytest.fixture(scope="module")
def printed(store_uri):
    """{(width, terminal): {command key: stdout}}."""
    found = {}
    for width in (80, 120):
        for terminal in (False, True):
            env = {k: v for k, v in os.environ.items() if k not in ("TRAILMARK_URI", "FORCE_COLOR", "NO_COLOR")}
            env.update(COLUMNS=str(width), TRAILMARK_URI=store_uri, TTY_COMPATIBLE="1" if terminal else "0")
            done = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(COMMANDS)], env=env, capture_output=True,
                                  text=True, timeout=600, stdin=subprocess.DEVNULL)
            assert done.returncode == 0, done.stderr
            found[width, terminal] = json.loads(done.stdout)
    return found


MODES = [(80, False), (80, True), (120, False), (120, True)]
TABLES = ["runs", "models", "search_models", "search_runs", "compare", "lineage", "show", "reproduce",
          "leaderboard", "audit"]


@pytest.mark.parametrize(("width", "terminal"), MODES)
def test_no_line_is_wider_than_the_terminal(printed, width, terminal):
    for key in TABLES:
        text = printed[width, terminal][key]
        assert text.strip(), key
        for line in ANSI.sub("", text).splitlines():
            assert len(line.rstrip()) <= width, (key, line)


@pytest.mark.parametrize(("width", "terminal"), MODES)
def test_colour_only_on_a_terminal(printed, width, terminal):
    text = "".join(printed[width, terminal][key] for key in TABLES)
    assert bool(ANSI.search(text)) is terminal


@pytest.mark.parametrize(("width", "terminal"), MODES)
def test_names_and_refs_are_never_split(printed, width, terminal):
    out = {key: ANSI.sub("", text) for key, text in printed[width, terminal].items()}
    assert "house-price-rf " in out["models"] and "production" in out["models"].replace("…", "")
    assert LONG in out["runs"] and "train-rf-depth10" in out["runs"] and "COMPLETE" in out["runs"]
    assert "house-price-rf " in out["search_models"]
    assert LONG in out["search_runs"] and LONG in out["leaderboard"]
    assert "params.max_depth" in out["compare"] and "metrics.rmse" in out["compare"]
    # the two evaluations read the test split too: met again after being expanded above
    assert out["lineage"].count("(shown") == 2 and "see above" not in out["lineage"]
    assert out["lineage"].index("exec:10") < out["lineage"].index("(shown")
    listed = {"runs": len(json.loads(printed[80, False]["runs_json"])), "models": 2, "search_models": 2}
    for key, count in listed.items():  # one line per row: no cell wraps onto a second line
        lines = out[key].rstrip("\n").splitlines()
        assert set(lines[1].strip()) == {"─"} and len(lines) - 2 == count, (key, out[key])


@pytest.mark.parametrize(("width", "terminal"), MODES)
def test_the_filtered_metric_is_a_column_rounded(printed, width, terminal):
    header = ANSI.sub("", printed[width, terminal]["search_models"]).splitlines()[0]
    assert "rmse" in header.split()
    runs = ANSI.sub("", printed[width, terminal]["search_runs"])
    assert "r2" in runs.splitlines()[0].split() and "0.9123" in runs and "0.912345678" not in runs


@pytest.mark.parametrize("width", [80, 120])
def test_compare_marks_differing_rows_without_colour(printed, width):
    lines = printed[width, False]["compare"].splitlines()
    marked = [line for line in lines if line.startswith("*")]
    assert any("params.max_depth" in line for line in marked)
    assert not any("run.type" in line for line in marked)  # both are Train
    assert "rows differ, marked *" in lines[-1]


@pytest.mark.parametrize("width", [80, 120])
def test_show_leads_with_the_card_and_fits_a_screen(printed, width):
    shown = printed[width, False]["show"]
    assert shown.index("how it was built") < shown.index("properties")
    assert shown.count("n_estimators") == 1  # hyperparameters once, in the card
    assert len(shown.splitlines()) < 60 and not shown.lstrip().startswith("{")


@pytest.mark.parametrize("width", [80, 120])
def test_reproduce_keeps_keys_whole(printed, width):
    text = printed[width, False]["reproduce"]
    assert "n_estimators" in text and "dataset:housing-train@1" in text


def test_json_and_csv_parse_with_the_expected_rows(printed, store_uri):
    out = printed[80, False]
    with tm.connect(store_uri) as store:
        runs = store.search("", kind="executions", order_by=["started desc"], limit=20)
        model_refs = {m.ref for m in store.search("", kind="models")}
    listed = json.loads(out["runs_json"])
    assert {r["ref"] for r in listed} == {e.ref for e in runs} and LONG in {r["name"] for r in listed}
    rows = list(csv.DictReader(io.StringIO(out["runs_csv"])))
    assert {r["ref"] for r in rows} == {e.ref for e in runs}
    assert {"ref", "name", "status", "duration", "metrics"} <= set(rows[0])
    assert {r["ref"] for r in csv.DictReader(io.StringIO(out["models_csv"]))} == model_refs
    found = list(csv.DictReader(io.StringIO(out["search_csv"])))
    assert {r["ref"] for r in found} == model_refs and all(json.loads(r["metrics"])["rmse"] for r in found)
    board = json.loads(out["leaderboard_json"])
    assert [r["rank"] for r in board] == list(range(1, len(board) + 1)) and board[0]["rmse"] <= board[-1]["rmse"]
    audit = list(csv.DictReader(io.StringIO(out["audit_csv"])))
    assert len(audit) == 20 and {"seq", "action", "target", "hash"} <= set(audit[0])
    moves = list(csv.DictReader(io.StringIO(out["alias_history_csv"])))
    assert [(m["alias"], m["version"]) for m in moves] == [("production", "2")]
    assert "production" in out["alias_history"] and json.loads(out["webhooks_json"]) == []
    assert out["drift_csv"].strip() == ""  # no reports: no header either
