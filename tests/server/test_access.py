"""Users, tokens and projects over REST: who may manage whom on a server with users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

import trailmark as tm  # noqa: E402
from trailmark.governance import Role  # noqa: E402
from trailmark.server.app import create_app  # noqa: E402


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """ana admin and vic viewer of vision, olga admin of other; their tokens."""
    uri = f"sqlite:///{tmp_path / 't.db'}"
    with tm.connect(uri, project="vision") as store:
        store.add_project("other")
        members = (("ana", "vision", "admin"), ("vic", "vision", "viewer"), ("olga", "other", "admin"))
        for user, project, role in members:
            store.add_user(user)
            store.add_member(project, user, role)
        tokens = {user: store.create_token(user).token for user in ("ana", "vic", "olga")}
    with TestClient(create_app(uri)) as client:
        yield client, tokens


def _as(client: TestClient, token: str, method: str, path: str, **kwargs):
    return client.request(method, "/api/v1" + path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


def test_any_user_lists_users_only_an_admin_adds_one(server):
    client, tokens = server
    assert [u["name"] for u in _as(client, tokens["vic"], "GET", "/users").json()] == ["ana", "olga", "vic"]
    refused = _as(client, tokens["vic"], "POST", "/users", json={"name": "zed"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission"
    assert _as(client, tokens["ana"], "POST", "/users", json={"name": "zed"}).json()["name"] == "zed"


def test_tokens_for_oneself_or_for_users_whose_projects_one_administers(server):
    client, tokens = server
    own = _as(client, tokens["vic"], "POST", "/tokens", json={"user": "vic", "expires": "1h"})
    assert own.status_code == 200 and own.json()["token"].startswith("tm_") and own.json()["expires_at"]
    assert _as(client, tokens["vic"], "POST", "/tokens", json={"user": "ana"}).status_code == 403
    assert _as(client, tokens["olga"], "POST", "/tokens", json={"user": "vic"}).status_code == 403  # not her project
    assert _as(client, tokens["ana"], "POST", "/tokens", json={"user": "vic"}).status_code == 200
    seen = {t["user"] for t in _as(client, tokens["vic"], "GET", "/tokens").json()}
    assert seen == {"vic"}
    ana_token = next(t["id"] for t in _as(client, tokens["ana"], "GET", "/tokens").json() if t["user"] == "ana")
    assert _as(client, tokens["vic"], "POST", f"/tokens/{ana_token}/revoke").status_code == 403
    assert _as(client, tokens["ana"], "POST", "/tokens/nope/revoke").status_code == 404


def test_projects_auth_and_principal(server):
    client, tokens = server
    assert _as(client, tokens["olga"], "GET", "/projects").json() == ["other"]
    assert _as(client, tokens["vic"], "GET", "/auth").json() == {"required": True}
    assert client.get("/api/v1/auth").status_code == 401
    found = _as(client, tokens["vic"], "POST", "/auth/principal", json={"token": tokens["ana"]}).json()
    assert found == {"user": "ana", "roles": {"vision": "admin"}}
    bad = _as(client, tokens["vic"], "POST", "/auth/principal", json={"token": "tm_nonsense"})
    assert bad.status_code == 401


def test_http_store_manages_access_like_the_embedded_one(tmp_path):
    from tests.server.live import serve_in_thread

    uri = f"sqlite:///{tmp_path / 's.db'}"
    with tm.connect(uri) as store:
        store.add_user("ana")
        store.add_member("default", "ana", "admin")
        token = store.create_token("ana").token
    with serve_in_thread(create_app(uri)) as url, tm.connect(url, token=token) as http:
        assert http.auth_required() is True
        assert http.add_user("bob").name == "bob" and [u.name for u in http.users()] == ["ana", "bob"]
        http.add_member("default", "bob", "viewer")
        issued = http.create_token("bob", expires="1d")
        assert issued.expires_at is not None and issued.user == "bob"
        assert [t.id for t in http.tokens(user="bob")] == [issued.id]
        principal = http.authenticate(issued.token)
        assert principal.user == "bob" and principal.role("default") is Role.VIEWER
        assert http.revoke_token(issued.id).revoked_at is not None
        with pytest.raises(tm.AuthenticationError, match="revoked"):
            http.authenticate(issued.token)
        assert http.projects() == ["default"]
        with pytest.raises(tm.PermissionDeniedError, match="not a member of project 'elsewhere'"):
            http.for_project("elsewhere")  # once users exist, only members reach a project, known or not
        with pytest.raises(tm.ValidationError, match="token says who acts"):
            http.for_project("default", actor="mallory")
    with tm.connect(uri) as store:
        assert {e.actor for e in store.audit.log(limit=4)} == {"ana"}
