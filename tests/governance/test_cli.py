"""The governance commands, checked afterwards through the Python API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import Connection

import trailmark as tm
from tests.governance.conftest import assert_one_line_error, digest


def test_users_tokens_projects_members(cli, store_uri):
    assert cli("users", "add", "alice", uri=store_uri).returncode == 0
    assert cli("projects", "add", "vision", uri=store_uri).returncode == 0
    done = cli("members", "add", "vision", "alice", "--role", "editor", uri=store_uri)
    assert done.returncode == 0 and "alice is editor of vision" in done.stdout
    created = cli("tokens", "create", "--user", "alice", "--expires", "30d", uri=store_uri)
    token = created.stdout.strip()
    assert created.returncode == 0 and token.startswith("tm_") and "only time" in created.stderr
    with tm.connect(store_uri) as store:
        principal = store.authenticate(token)
        assert (principal.user, principal.roles["vision"].value) == ("alice", "editor")
        (info,) = store.tokens()
    listed = cli("tokens", "list", uri=store_uri)
    assert info.id in listed.stdout and token not in listed.stdout
    assert cli("tokens", "revoke", info.id, uri=store_uri).returncode == 0
    with tm.connect(store_uri) as store:
        assert store.tokens()[0].revoked_at is not None
    assert "vision" in cli("members", "list", uri=store_uri).stdout
    assert "alice" in cli("users", "list", uri=store_uri).stdout
    assert "vision" in cli("projects", "list", uri=store_uri).stdout


def test_user_mistakes_are_one_line(cli, store_uri):
    cli("users", "add", "alice", uri=store_uri)
    assert_one_line_error(cli("users", "add", "alice", uri=store_uri), "already exists")
    assert_one_line_error(cli("tokens", "create", "--user", "bob", uri=store_uri), "no user 'bob'")
    assert_one_line_error(cli("tokens", "create", "--user", "alice", "--expires", "soon", uri=store_uri), "duration")
    assert_one_line_error(cli("tokens", "revoke", "nope", uri=store_uri), "no token")


def test_audit_verify_and_log(cli, store_uri):
    with tm.connect(store_uri) as store:
        data = store.log_artifact("Dataset", "raw", digest=digest(1))
        store.set_tag(data, "k", "v")
    ok = cli("audit", "verify", uri=store_uri)
    assert ok.returncode == 0 and "3 entries" in ok.stdout
    anchor = ok.stdout.split("head ")[1].strip()
    assert cli("audit", "verify", "--anchor", anchor, uri=store_uri).returncode == 0
    log = cli("audit", "log", "--target", "dataset:raw@1", uri=store_uri)
    assert "artifact.create" in log.stdout and "tag.set" in log.stdout and "project.add" not in log.stdout
    assert '"action": "tag.set"' in cli("audit", "log", "--json", "--since", "1d", uri=store_uri).stdout
    with store_engine(store_uri) as conn:
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    assert_one_line_error(cli("audit", "verify", uri=store_uri), "audit log broken at seq 2")


def test_classify_reveal_purge_gc(cli, store_uri, secret_key):
    with tm.connect(store_uri, clock=tm.ManualClock(datetime(2020, 1, 1))) as store:  # long ago
        raw = store.log_artifact("Dataset", "raw", digest=digest(1), properties={"pw": tm.Sensitive("s3cret")})
        with store.run("train", type="Train") as run:
            run.log_input(raw)
    done = cli("classify", "dataset:raw", "PII", uri=store_uri)
    assert done.returncode == 0 and "PII (from dataset:raw@1)" in done.stdout
    with tm.connect(store_uri) as store:
        assert [c.origin for c in store.classifications(run.execution)] == ["dataset:raw@1"]
    assert cli("reveal", "dataset:raw", "properties.pw", uri=store_uri).stdout.strip() == "s3cret"
    assert cli("declassify", "dataset:raw", "PII", uri=store_uri).returncode == 0
    listed = cli("gc", "--older-than", "180d", "--type", "Dataset", "--dry-run", uri=store_uri)
    assert listed.stdout.strip() == "would purge dataset:raw@1"
    done = cli("purge", "dataset:raw@1", "--reason", "GDPR 7", uri=store_uri)
    assert done.returncode == 0 and "purged dataset:raw@1" in done.stdout
    with tm.connect(store_uri) as store:
        assert store.tombstone("dataset:raw@1").reason == "GDPR 7"
        assert store.get("dataset:raw@1").properties == {}
        assert [e.action for e in store.audit.log(limit=4)] == ["classify", "sensitive.read", "declassify", "purge"]
    assert "nothing older than 180d" in cli("gc", "--older-than", "180d", uri=store_uri).stdout  # purged already


@contextmanager
def store_engine(uri: str) -> Iterator[Connection]:
    """A transaction straight on the database, its engine disposed afterwards."""
    from trailmark.store.sql import _session

    engine = _session.make_engine(uri)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def test_server_with_auth_required_asks_for_a_token_before_any_user_exists(cli, tmp_path, store_uri):
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("uvicorn")
    from tests.cli.test_server import free_port

    port = free_port()
    log = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in ("TRAILMARK_URI", "TRAILMARK_AUTH")}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "trailmark", "server", "--uri", store_uri, "--port", str(port),
             "--auth", "required"],
            cwd=cli.cwd, env=env, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                refused = httpx.get(f"http://127.0.0.1:{port}/api/v1/search")
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
        with tm.connect(store_uri) as store:
            store.add_user("ana")
            store.add_member("default", "ana", "viewer")
            token = store.create_token("ana").token
        allowed = httpx.get(f"http://127.0.0.1:{port}/api/v1/search", headers={"Authorization": f"Bearer {token}"})
        assert allowed.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "Traceback" not in log.read_text()


def test_access_is_withdrawn_and_usage_shown_from_the_command_line(cli, store_uri):
    with tm.connect(store_uri, project="vision") as store:
        data = store.log_artifact("Dataset", "patients", digest=digest(1))
        store.classify(data, "PII")
        store.get(data.ref)  # a read of a labelled node
        for user in ("ann", "bob"):
            store.add_user(user)
            store.add_member("vision", user, "viewer")
        tokens = [store.create_token("ann").token for _ in range(2)]
        bob = store.create_token("bob").token
    assert cli("tokens", "revoke", tokens[0], uri=store_uri).returncode == 0  # the token itself
    assert "1 token(s) of ann revoked" in cli("tokens", "revoke", "--user", "ann", uri=store_uri).stdout
    assert cli("members", "remove", "vision", "bob", uri=store_uri).returncode == 0
    assert cli("users", "disable", "bob", uri=store_uri).returncode == 0
    assert "(disabled)" in cli("users", "list", uri=store_uri).stdout
    assert_one_line_error(cli("tokens", "revoke", uri=store_uri), "not both")
    with tm.connect(store_uri, project="vision") as store:
        for token in (*tokens, bob):
            with pytest.raises(tm.AuthenticationError):
                store.authenticate(token)
        assert [m.user for m in store.members("vision")] == ["ann"]
    usage = cli("--project", "vision", "audit", "usage", "dataset:patients@1", uri=store_uri)
    assert usage.returncode == 0 and "read" in usage.stdout
    deep = cli("audit", "verify", "--deep", uri=store_uri)
    assert deep.returncode == 0 and "rows re-hashed" in deep.stdout
