"""Sensitive values: encrypted at rest, masked on read, revealed only with the key and an audit entry."""

from __future__ import annotations

import pytest

import trailmark as tm
from tests.governance.conftest import KEY_1, KEY_2, digest

SECRET = "hunter2-very-secret"


def test_without_a_key_nothing_is_stored(sql_store, no_key, raw):
    with pytest.raises(tm.ValidationError, match="TRAILMARK_SECRET_KEY"):
        sql_store.log_artifact("Dataset", "d", digest=digest(1), properties={"password": tm.Sensitive(SECRET)})
    with pytest.raises(tm.ValidationError, match="TRAILMARK_SECRET_KEY"):
        sql_store.start_execution("Train", "t", params={"token": tm.Sensitive(SECRET)})
    assert raw("SELECT COUNT(*) FROM artifacts")[0][0] == 0
    assert raw("SELECT COUNT(*) FROM executions")[0][0] == 0


def test_values_are_encrypted_at_rest_and_masked_on_read(sql_store, secret_key, raw):
    a = sql_store.log_artifact("Dataset", "d", digest=digest(1),
                               properties={"rows": 3, "db": {"password": tm.Sensitive(SECRET)}})
    assert a.properties == {"rows": 3, "db": {"password": "***"}}
    assert sql_store.get(a.ref).properties["db"]["password"] == "***"
    stored = raw("SELECT properties FROM artifacts")[0][0]
    stored_text = stored if isinstance(stored, str) else str(stored)
    assert SECRET not in stored_text and '"kid"' in stored_text.replace("'", '"') and "nonce" in stored_text
    assert not any(SECRET in str(row) for row in raw("SELECT * FROM audit_log"))


def test_params_are_encrypted_kept_through_merges_and_not_indexed(sql_store, secret_key, raw):
    run = sql_store.start_execution("Train", "t", params={"api_key": tm.Sensitive(SECRET), "depth": 3})
    sql_store.log_params(run, {"lr": 0.1, "other": tm.Sensitive("second")})
    assert sql_store.get(run).params == {"api_key": "***", "depth": 3, "lr": 0.1, "other": "***"}
    assert sql_store.reveal(run, "params.api_key") == SECRET
    assert sql_store.reveal(run, "params.other") == "second"
    assert {row[0] for row in raw("SELECT key FROM params")} == {"depth", "lr"}


def test_reveal_decrypts_and_is_audited(sql_store, secret_key):
    a = sql_store.log_artifact("Dataset", "d", digest=digest(1), properties={"db": {"password": tm.Sensitive(SECRET)}})
    assert sql_store.reveal("dataset:d@1", "properties.db.password") == SECRET
    (entry,) = sql_store.audit.log(limit=1)
    assert (entry.action, entry.target, entry.actor) == ("sensitive.read", a.ref, sql_store.actor)
    assert sql_store.audit.verify().ok
    with pytest.raises(tm.NotFoundError, match="no value at"):
        sql_store.reveal(a, "properties.db.user")
    with pytest.raises(tm.ValidationError, match="not an encrypted"):
        sql_store.log_artifact("Dataset", "e", digest=digest(2), properties={"plain": 1}) and sql_store.reveal(
            "dataset:e", "properties.plain")
    with pytest.raises(tm.ValidationError, match="invalid path"):
        sql_store.reveal(a, "params.x")


def test_same_secret_same_version_other_secret_next_version(sql_store, secret_key):
    first = sql_store.log_artifact("Dataset", "d", properties={"k": tm.Sensitive("a")})
    again = sql_store.log_artifact("Dataset", "d", properties={"k": tm.Sensitive("a")})
    other = sql_store.log_artifact("Dataset", "d", properties={"k": tm.Sensitive("b")})
    assert (first.version, again.version, other.version) == (1, 1, 2)


def test_key_rotation_by_key_id(sql_store, monkeypatch, secret_key):
    old = sql_store.log_artifact("Dataset", "d", digest=digest(1), properties={"k": tm.Sensitive("old")})
    monkeypatch.delenv("TRAILMARK_SECRET_KEY")
    monkeypatch.setenv("TRAILMARK_SECRET_KEYS", f"default:{KEY_1},k2:{KEY_2}")
    monkeypatch.setenv("TRAILMARK_SECRET_KEY_ID", "k2")
    new = sql_store.log_artifact("Dataset", "d", digest=digest(2), properties={"k": tm.Sensitive("new")})
    assert (sql_store.reveal(old, "properties.k"), sql_store.reveal(new, "properties.k")) == ("old", "new")
    monkeypatch.setenv("TRAILMARK_SECRET_KEYS", f"k2:{KEY_2}")
    assert sql_store.reveal(new, "properties.k") == "new"
    with pytest.raises(tm.PermissionDeniedError, match="'default'.*not configured"):
        sql_store.reveal(old, "properties.k")


def test_a_wrong_key_cannot_decrypt(sql_store, monkeypatch, secret_key):
    a = sql_store.log_artifact("Dataset", "d", digest=digest(1), properties={"k": tm.Sensitive("x")})
    monkeypatch.setenv("TRAILMARK_SECRET_KEY", KEY_2)
    with pytest.raises(tm.PermissionDeniedError, match="wrong key or altered data"):
        sql_store.reveal(a, "properties.k")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"TRAILMARK_SECRET_KEY": "dG9vIHNob3J0"}, "exactly 32 bytes"),
        ({"TRAILMARK_SECRET_KEYS": "nokey"}, "id:base64key"),
        ({"TRAILMARK_SECRET_KEYS": f"a:{KEY_1}", "TRAILMARK_SECRET_KEY_ID": "b"}, "names no key"),
    ],
)
def test_bad_key_settings_are_clear_errors(sql_store, monkeypatch, no_key, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(tm.ValidationError, match=message):
        sql_store.log_artifact("Dataset", "d", digest=digest(1), properties={"k": tm.Sensitive("x")})


def test_an_encrypted_form_cannot_be_forged_and_the_wire_form_is_encrypted(sql_store, secret_key):
    forged = {"$sensitive": {"kid": "default", "nonce": "AAAA", "ct": "AAAA"}}
    with pytest.raises(tm.ValidationError, match="reserved key"):
        sql_store.log_artifact("Dataset", "d", digest=digest(1), properties={"k": forged})
    wire = tm.Sensitive("over-http").to_json()
    a = sql_store.log_artifact("Dataset", "d", digest=digest(2), properties={"k": wire})
    assert a.properties == {"k": "***"} and sql_store.reveal(a, "properties.k") == "over-http"
    assert repr(tm.Sensitive("x")) == "Sensitive('***')"


def test_other_values_still_digest_as_json(sql_store, no_key):
    np = pytest.importorskip("numpy")
    first = sql_store.log_artifact("Dataset", "n", properties={"rows": np.int64(3), "mean": np.float32(0.5)})
    again = sql_store.log_artifact("Dataset", "n", properties={"rows": 3, "mean": 0.5})
    assert first.properties == {"rows": 3, "mean": 0.5} and again.id == first.id
