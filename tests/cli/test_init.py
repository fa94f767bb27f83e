"""A store that is not there: read commands and `server --existing` refuse it, `init` and writing commands create it."""

from __future__ import annotations

import subprocess
import sys

import pytest

import trailmark as tm
from tests.cli.conftest import assert_one_line_error


@pytest.mark.parametrize("args", [("runs",), ("models",), ("show", "dataset:x"), ("search", "type = 'Model'"),
                                  ("runs", "reap")])
def test_read_commands_refuse_a_store_that_is_not_there(cli, tmp_path, args):
    path = tmp_path / "typo" / "x.db"
    done = cli(*args, uri=f"sqlite:///{path}")
    assert_one_line_error(done, str(path), "trailmark init")
    assert args[-1] in done.stderr, "the line says which command was refused"
    assert not path.exists() and not path.parent.exists(), "nothing is created"


def test_init_creates_then_reads_work(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'new' / 'x.db'}"
    made = cli("init", uri)
    assert made.returncode == 0 and "created" in made.stdout
    assert "there already" in cli("init", uri).stdout
    assert cli("runs", uri=uri).returncode == 0
    with tm.connect(uri) as store:
        assert list(store.search("", kind="executions")) == []


def test_writing_commands_still_create(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'w.db'}"
    assert cli("users", "add", "alice", uri=uri).returncode == 0
    with tm.connect(uri) as store:
        assert [u.name for u in store.users()] == ["alice"]


def test_server_existing_refuses_a_missing_store(tmp_path):
    path = tmp_path / "nope.db"
    done = subprocess.run(
        [sys.executable, "-m", "trailmark", "--uri", f"sqlite:///{path}", "server", "--existing", "--port", "0"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False,
    )
    assert_one_line_error(done, str(path))
    assert not path.exists()


@pytest.mark.slow
def test_demo_writes_beside_the_store_and_does_not_repeat_itself(cli, tmp_path):
    uri = f"sqlite:///{tmp_path / 'store' / 'tm.db'}"
    first = cli("demo", uri=uri)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "store" / "trailmark-demo-data" / "housing-raw.csv").exists()
    assert not any(cli.cwd.iterdir()), "nothing is written in the working directory"
    again = cli("demo", uri=uri)
    assert again.returncode == 0 and "holds the demo already" in again.stdout
    with tm.connect(uri) as store:
        assert len(store.search("name = 'ingest-housing'", kind="executions")) == 1
    assert cli("demo", "--again", uri=uri).returncode == 0
    with tm.connect(uri) as store:
        assert len(store.search("name = 'ingest-housing'", kind="executions")) == 2
