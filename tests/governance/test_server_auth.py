"""Every route of the OpenAPI document, called with each role and with bad or no tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

import trailmark as tm  # noqa: E402
from tests.governance.conftest import digest  # noqa: E402
from trailmark.server.app import create_app  # noqa: E402

ADMIN_ROUTES = {
    ("post", "/api/v1/classifications/{ref}"),
    ("delete", "/api/v1/classifications/{ref}"),
    ("post", "/api/v1/reveal/{ref}"),
    ("post", "/api/v1/purge/{ref}"),
    ("put", "/api/v1/members/{user}"),
    ("delete", "/api/v1/members/{user}"),
    ("put", "/api/v1/restrictions/{label}"),
    ("delete", "/api/v1/restrictions/{label}"),
    # webhooks and alias protections are set up by project admins (DESIGN, automation)
    ("post", "/api/v1/webhooks"),
    ("get", "/api/v1/webhooks"),
    ("delete", "/api/v1/webhooks/{hook_id}"),
    ("get", "/api/v1/webhooks/{hook_id}/deliveries"),
    ("post", "/api/v1/webhooks/deliver"),
    ("post", "/api/v1/protections"),
}
OPEN_ROUTES = {("get", "/healthz")}
# Server-wide routes (users, tokens, the caller's projects) have rules of their own: tests/server/test_access.py.
SERVER_ROUTES = {("get", "/api/v1/users"), ("post", "/api/v1/users"), ("get", "/api/v1/tokens"),
                 ("post", "/api/v1/tokens"), ("post", "/api/v1/tokens/{token_id}/revoke"), ("get", "/api/v1/projects"),
                 ("get", "/api/v1/auth"), ("post", "/api/v1/auth/principal"),
                 # disabling a user, revoking a user's tokens: tests/governance/test_withdraw.py
                 ("post", "/api/v1/users/{name}/disable"), ("post", "/api/v1/tokens/revoke")}
# Connecting to a project (PUT) only opens it: any member may; creating one is for the CLI.
VIEWER_ROUTES = {("put", "/api/v1/projects/{name}"), ("post", "/api/v1/reuse/find")}
PARAMS = {"label": "PII", "ref": "dataset:raw@1", "name": "vision", "type": "Dataset", "digest": digest(1)[7:],
          "user": "vic", "namespace": "vision", "key": "k1", "hook_id": "1", "token_id": "x"}
RANK = {"viewer": 0, "editor": 1, "admin": 2}


def needed(method: str, path: str) -> str | None:
    if (method, path) in OPEN_ROUTES:
        return None
    if (method, path) in ADMIN_ROUTES:
        return "admin"
    if method == "get" or (method, path) in VIEWER_ROUTES:
        return "viewer"
    return "editor"


def _hours_ago(hours: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(hours=hours)


@pytest.fixture
def server(store_uri, monkeypatch) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A server over a store with project vision (ana admin, ed editor, vic viewer) and other (olga admin)."""
    monkeypatch.delenv("TRAILMARK_AUTH", raising=False)
    monkeypatch.delenv("TRAILMARK_REVEAL_ROLE", raising=False)
    with tm.connect(store_uri, project="vision") as store:
        store.log_artifact("Dataset", "raw", digest=digest(1))
        store.add_project("other")
        for user, project, role in (("ana", "vision", "admin"), ("ed", "vision", "editor"),
                                    ("vic", "vision", "viewer"), ("olga", "other", "admin"), ("rex", "vision", "admin"),
                                    ("eve", "vision", "admin")):
            store.add_user(user)
            store.add_member(project, user, role)
        tokens = {user: store.create_token(user).token for user in ("ana", "ed", "vic", "olga")}
        revoked = store.create_token("rex")
        store.revoke_token(revoked.id)
        with tm.connect(store_uri, project="vision", clock=tm.ManualClock(_hours_ago(2))) as past:
            expired = past.create_token("eve", expires="1h")
        tokens.update(revoked=revoked.token, expired=expired.token, garbage="tm_nonsense", empty="")
    with TestClient(create_app(store_uri), raise_server_exceptions=False) as client:
        yield client, tokens


def _routes(client: TestClient) -> list[tuple[str, str]]:
    document = client.get("/openapi.json").json()
    return [(method, path) for path, operations in document["paths"].items() for method in operations
            if (method, path) not in SERVER_ROUTES]


def _call(client: TestClient, method: str, path: str, token: str | None):
    params = {**PARAMS, "user": "rex"} if method == "delete" else PARAMS  # removing a member: not one the test uses
    url = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path)
    headers = {"X-Trailmark-Project": "vision"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.request(method.upper(), url, headers=headers)


def _assert_denied(response, status: int, code: str, context: str) -> None:
    assert response.status_code == status, context
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, context
    assert set(body["error"]) == {"code", "message"}, context


def test_every_route_allows_exactly_the_roles_it_should(server):
    client, tokens = server
    routes = _routes(client)
    assert len(routes) > 20 and ADMIN_ROUTES <= set(routes)
    for method, path in routes:
        role = needed(method, path)
        for user, held in (("vic", "viewer"), ("ed", "editor"), ("ana", "admin")):
            response = _call(client, method, path, tokens[user])
            context = f"{method.upper()} {path} as {held}: {response.status_code} {response.text[:200]}"
            if role is None or RANK[held] >= RANK[role]:
                assert response.status_code not in (401, 403), context
            else:
                _assert_denied(response, 403, "permission", context)


@pytest.mark.parametrize("who", [None, "empty", "garbage", "revoked", "expired", "olga"])
def test_no_route_serves_a_bad_token_or_another_projects_user(server, who):
    client, tokens = server
    for method, path in _routes(client):
        response = _call(client, method, path, None if who is None else tokens[who])
        context = f"{method.upper()} {path} as {who}: {response.status_code} {response.text[:200]}"
        if needed(method, path) is None:
            assert response.status_code == 200, context
        elif who == "olga":
            _assert_denied(response, 403, "permission", context)
        else:
            _assert_denied(response, 401, "unauthenticated", context)


def test_a_role_in_one_project_gives_nothing_in_another(server):
    client, tokens = server
    for project, status in (("vision", 200), ("other", 403), ("nowhere", 403)):
        response = client.get("/api/v1/search", params={"project": project},
                              headers={"Authorization": f"Bearer {tokens['ed']}"})
        assert response.status_code == status, response.text
    response = client.put("/api/v1/projects/brand-new", headers={"Authorization": f"Bearer {tokens['ana']}"})
    assert response.status_code == 403


def test_admin_actions_work_over_rest_and_are_recorded_under_the_user(server, store_uri):
    client, tokens = server
    auth = {"Authorization": f"Bearer {tokens['ana']}", "X-Trailmark-Project": "vision"}
    done = client.post("/api/v1/classifications/dataset:raw@1", json={"label": "PII"}, headers=auth)
    assert done.status_code == 200 and done.json()[0]["origin"] == "dataset:raw@1"
    assert client.put("/api/v1/members/vic", json={"role": "editor"}, headers=auth).json()["role"] == "editor"
    stone = client.post("/api/v1/purge/dataset:raw@1", json={"reason": "GDPR 9"}, headers=auth)
    assert stone.status_code == 200 and stone.json()["purged_by"] == "ana"
    log = client.get("/api/v1/audit", headers=auth).json()
    expected = [("classify", "ana"), ("member.set", "ana"), ("purge", "ana")]
    assert [(e["action"], e["actor"]) for e in log[-3:]] == expected
    assert client.get("/api/v1/audit/verify", headers=auth).json()["ok"] is True
    # an editor's write is recorded under the editor's name
    ed = {"Authorization": f"Bearer {tokens['ed']}", "X-Trailmark-Project": "vision"}
    made = client.post("/api/v1/artifacts", json={"type": "Dataset", "name": "new", "digest": digest(7)}, headers=ed)
    assert made.status_code == 200 and made.json()["created_by"] == "ed"


def test_a_server_without_users_is_open_unless_auth_is_required(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'open.db'}"
    monkeypatch.delenv("TRAILMARK_AUTH", raising=False)
    with TestClient(create_app(uri)) as client:
        assert client.get("/api/v1/search").status_code == 200
    monkeypatch.setenv("TRAILMARK_AUTH", "required")
    with TestClient(create_app(uri)) as client:
        _assert_denied(client.get("/api/v1/search"), 401, "unauthenticated", "auth required")


def test_a_project_created_over_rest_is_audited(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path / 'open.db'}"
    monkeypatch.delenv("TRAILMARK_AUTH", raising=False)
    with TestClient(create_app(uri)) as client:
        assert client.put("/api/v1/projects/fresh").status_code == 200
        assert client.put("/api/v1/projects/fresh").status_code == 200  # again: no second entry
    with tm.connect(uri) as store:
        entries = [(e.action, e.target, e.actor) for e in store.audit.log() if e.target == "project:fresh"]
        assert entries == [("project.add", "project:fresh", "anonymous")]


@pytest.mark.parametrize("setting, editor_may", [(None, False), ("editor", True), ("viewer", False)])
def test_who_may_reveal_is_admins_or_as_configured(server, monkeypatch, secret_key, setting, editor_may):
    client, tokens = server
    if setting is None:
        monkeypatch.delenv("TRAILMARK_REVEAL_ROLE", raising=False)
    else:
        monkeypatch.setenv("TRAILMARK_REVEAL_ROLE", setting)
    headers = {"X-Trailmark-Project": "vision"}
    made = client.post("/api/v1/artifacts", json={"type": "Dataset", "name": "s", "properties": {
        "pw": {"$sensitive": {"value": "x"}}}}, headers={**headers, "Authorization": f"Bearer {tokens['ed']}"})
    assert made.status_code == 200 and made.json()["properties"] == {"pw": "***"}
    for user, allowed in (("ed", editor_may), ("ana", True), ("vic", False)):
        response = client.post("/api/v1/reveal/dataset:s@1", json={"path": "properties.pw"},
                               headers={**headers, "Authorization": f"Bearer {tokens[user]}"})
        assert (response.status_code == 200) is allowed, (user, response.text)
        if allowed:
            assert response.json() == {"value": "x"}
