"""Commands that used to exist only for a database work with ``--uri http://...``, or refuse in one line."""

from __future__ import annotations

from datetime import datetime

import pytest

import trailmark as tm
from tests.governance.conftest import assert_one_line_error

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")


@pytest.fixture
def server(tmp_path):
    """(database URI, server URL) of a server of its own (tests here add users, which closes a server)."""
    from tests.server.live import serve_in_thread
    from trailmark.server import create_app

    uri = f"sqlite:///{tmp_path / 'served.db'}"
    with serve_in_thread(create_app(uri)) as url:
        yield uri, url


def test_users_and_tokens_over_http(cli, server):
    uri, url = server
    assert cli("users", "add", "ana", uri=url).returncode == 0
    assert cli("members", "add", "default", "ana", "--role", "admin", uri=url).returncode == 1  # now tokens are needed
    with tm.connect(uri) as store:
        store.add_member("default", "ana", "admin")
        token = store.create_token("ana").token
    listed = _cli_with_token(cli, token, url, "users", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["ana"]
    made = _cli_with_token(cli, token, url, "tokens", "create", "--user", "ana")
    assert made.returncode == 0 and made.stdout.strip().startswith("tm_")
    with tm.connect(uri) as store:
        assert len(store.tokens(user="ana")) == 2
        assert [e.actor for e in store.audit.log(limit=1)] == ["ana"]  # audited as the caller
    assert "ana" in _cli_with_token(cli, token, url, "tokens", "list").stdout
    refused = _cli_with_token(cli, "tm_nonsense", url, "users", "list")
    assert_one_line_error(refused, "token")


def _cli_with_token(cli, token, url, *args):
    import os

    os.environ["TRAILMARK_TOKEN"] = token
    try:
        return cli("--uri", url, *args)
    finally:
        del os.environ["TRAILMARK_TOKEN"]


def test_gc_over_http_purges_what_is_older(cli, server):
    uri, url = server
    with tm.connect(uri, clock=tm.ManualClock(datetime(2020, 1, 1))) as past:
        old = past.log_artifact("Dataset", "old", uri="s3://b/old")
    with tm.connect(uri) as store:
        store.log_artifact("Dataset", "new", uri="s3://b/new")
    listed = cli("--uri", url, "gc", "--older-than", "1d", "--dry-run")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == f"would purge {old.ref}"
    done = cli("--uri", url, "gc", "--older-than", "1d")
    assert done.returncode == 0 and done.stdout.strip() == f"purged {old.ref}"
    with tm.connect(uri) as store:
        assert store.tombstone(old.ref).reason == "retention: older than 1d"
        assert store.tombstone("dataset:new") is None


def test_db_upgrade_over_http_refuses_in_one_line(cli, server):
    _, url = server
    done = cli("--uri", url, "db", "upgrade")
    assert_one_line_error(done, "db upgrade needs the database URI", "not a server")
    assert "unsupported" not in done.stderr
