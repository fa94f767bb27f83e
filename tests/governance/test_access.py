"""Users, tokens and roles: hostile tokens are refused, roles do not escalate."""

from __future__ import annotations

import pytest

import trailmark as tm
from trailmark.governance import Principal, Role


@pytest.fixture
def team(sql_store):
    """Users ana (admin of vision), ed (editor of vision), vic (viewer of vision), olga (admin of other)."""
    for project in ("vision", "other"):
        sql_store.add_project(project)
    for user, project, role in (("ana", "vision", "admin"), ("ed", "vision", "editor"),
                                ("vic", "vision", "viewer"), ("olga", "other", "admin")):
        sql_store.add_user(user)
        sql_store.add_member(project, user, role)
    return {user: sql_store.create_token(user).token for user in ("ana", "ed", "vic", "olga")}


def test_a_token_names_its_user_and_their_roles(sql_store, team):
    principal = sql_store.authenticate(team["ed"])
    assert principal == Principal(user="ed", roles={"vision": Role.EDITOR})
    assert sql_store.authenticate(f"  {team['ana']}\n").user == "ana"


def test_only_a_hash_of_the_token_is_stored(sql_store, team, raw):
    stored = [tuple(str(v) for v in row) for row in raw("SELECT * FROM tokens")]
    assert stored and not any(team[user] in value for row in stored for value in row for user in team)
    assert "token='***'" in repr(sql_store.create_token("ana"))


@pytest.mark.parametrize(
    "token, message",
    [
        (None, "a bearer token is required"),
        ("", "a bearer token is required"),
        ("   ", "a bearer token is required"),
        ("Bearer", "not valid"),
        ("tm_000000000000_" + "A" * 43, "not valid"),
        ("' OR 1=1 --", "not valid"),
        ("x" * 10_000, "not valid"),
    ],
)
def test_missing_malformed_or_unknown_tokens_are_refused(sql_store, team, token, message):
    with pytest.raises(tm.AuthenticationError, match=message) as caught:
        sql_store.authenticate(token)
    assert caught.value.http_status == 401 and isinstance(caught.value, tm.PermissionDeniedError)


def test_expired_and_revoked_tokens_are_refused(sql_store, team, store_uri):
    clock = tm.ManualClock()
    with tm.connect(store_uri, clock=clock) as timed:
        expiring = timed.create_token("vic", expires="1h")
        clock.advance("59m")
        assert timed.authenticate(expiring.token).user == "vic"
        clock.advance("2m")
        with pytest.raises(tm.AuthenticationError, match="expired"):
            timed.authenticate(expiring.token)
    assert sql_store.authenticate(expiring.token).user == "vic"  # the wall clock is still within the hour

    (info,) = [t for t in sql_store.tokens(user="ed")]
    assert sql_store.revoke_token(info.id).revoked_at is not None
    assert sql_store.revoke_token(info.id).revoked_at is not None  # twice is harmless
    with pytest.raises(tm.AuthenticationError, match="revoked"):
        sql_store.authenticate(team["ed"])


def test_another_projects_token_gives_no_access(sql_store, team):
    olga = sql_store.authenticate(team["olga"])
    sql_store.authorize(olga, "other", "admin")
    with pytest.raises(tm.PermissionDeniedError, match="not a member of project 'vision'"):
        sql_store.authorize(olga, "vision", "viewer")


@pytest.mark.parametrize(
    "user, allowed",
    [("vic", {"viewer"}), ("ed", {"viewer", "editor"}), ("ana", {"viewer", "editor", "admin"})],
)
def test_roles_include_lower_roles_and_nothing_more(sql_store, team, user, allowed):
    principal = sql_store.authenticate(team[user])
    for role in ("viewer", "editor", "admin"):
        if role in allowed:
            sql_store.authorize(principal, "vision", role)
        else:
            with pytest.raises(tm.PermissionDeniedError, match=f"this needs {role}"):
                sql_store.authorize(principal, "vision", role)


def test_a_principal_cannot_grant_itself_a_role(sql_store, team):
    vic = sql_store.authenticate(team["vic"])
    forged = Principal(user=vic.user, roles={**vic.roles, "vision": Role.ADMIN})
    # Roles come from the store on each authentication, never from what a caller holds.
    assert sql_store.authenticate(team["vic"]).roles == {"vision": Role.VIEWER}
    assert forged.roles["vision"] is Role.ADMIN
    sql_store.add_member("vision", "vic", "editor")  # a change of role takes effect at once
    assert sql_store.authenticate(team["vic"]).roles == {"vision": Role.EDITOR}


def test_bad_names_roles_and_unknowns_are_clear_errors(sql_store, team):
    with pytest.raises(tm.ConflictError, match="already exists"):
        sql_store.add_user("ana")
    with pytest.raises(tm.ValidationError, match="invalid user name"):
        sql_store.add_user("two words")
    with pytest.raises(tm.NotFoundError, match="no user 'nobody'"):
        sql_store.create_token("nobody")
    with pytest.raises(tm.NotFoundError, match="no project 'nowhere'"):
        sql_store.add_member("nowhere", "ana", "viewer")
    with pytest.raises(tm.ValidationError, match="invalid role 'owner'"):
        sql_store.add_member("vision", "ana", "owner")
    with pytest.raises(tm.NotFoundError, match="no token"):
        sql_store.revoke_token("ffffffffffff")
    with pytest.raises(tm.ValidationError, match="invalid duration"):
        sql_store.create_token("ana", expires="forever")


def test_access_changes_are_audited_without_secrets(sql_store, team):
    entries = sql_store.audit.log(limit=100)
    actions = [e.action for e in entries]
    assert actions.count("user.add") == 4 and actions.count("member.set") == 4 and actions.count("token.create") == 4
    assert {e.project for e in entries if e.action in ("user.add", "token.create")} == {None}
    assert {e.project for e in entries if e.action == "member.set"} == {"vision", "other"}
    assert not any(token in str(e) for e in entries for token in team.values())
    assert sql_store.audit.verify().ok


def test_listing(sql_store, team):
    assert [u.name for u in sql_store.users()] == ["ana", "ed", "olga", "vic"]
    assert sql_store.projects() == ["default", "other", "vision"]
    assert [(m.user, m.role) for m in sql_store.members("vision")] == [
        ("ana", Role.ADMIN), ("ed", Role.EDITOR), ("vic", Role.VIEWER)
    ]
    assert sql_store.auth_required()


def test_a_project_cannot_reach_another_projects_nodes_by_id(store_uri):
    with tm.connect(store_uri, project="a") as a, tm.connect(store_uri, project="b") as b:
        secret = a.log_artifact("Dataset", "secret", digest="sha256:" + "1" * 64)
        run = a.start_execution("Train", "t")
        for ref in (secret.id, str(secret.id), f"exec:{run.id}", run.id):
            with pytest.raises(tm.NotFoundError):
                b.get(ref)
        mine = b.start_execution("Train", "mine")
        with pytest.raises(tm.NotFoundError, match="belongs to project 'a'"):
            b.link(mine, inputs=[secret])
        with pytest.raises(tm.NotFoundError):
            b.set_tag(secret.id, "k", "v")
        assert a.get(secret.id) == secret
