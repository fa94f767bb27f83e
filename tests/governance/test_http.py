"""Governance through HttpStore against a real server with users: the same API, the server's rules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("uvicorn")

import trailmark as tm  # noqa: E402
from tests.governance.conftest import digest  # noqa: E402
from tests.server.live import serve_in_thread  # noqa: E402
from trailmark.server import create_app  # noqa: E402


@pytest.fixture
def served(store_uri, secret_key, monkeypatch) -> Iterator[tuple[str, dict[str, str]]]:
    """A server with users: ana admin and vic viewer of project vision."""
    monkeypatch.delenv("TRAILMARK_AUTH", raising=False)
    with tm.connect(store_uri, project="vision") as store:
        for user, role in (("ana", "admin"), ("vic", "viewer")):
            store.add_user(user)
            store.add_member("vision", user, role)
        tokens = {user: store.create_token(user).token for user in ("ana", "vic")}
    with serve_in_thread(create_app(store_uri)) as url:
        yield url, tokens


def test_governance_over_http(served):
    url, tokens = served
    with tm.connect(url, project="vision", token=tokens["ana"]) as ana:
        raw = ana.log_artifact("Dataset", "raw", properties={"pw": tm.Sensitive("s3cret"), "rows": 3})
        assert raw.properties == {"pw": "***", "rows": 3} and raw.created_by == "ana"
        again = ana.log_artifact("Dataset", "raw", properties={"pw": tm.Sensitive("s3cret"), "rows": 3})
        assert again.id == raw.id  # the digest was computed on the server, over a keyed fingerprint
        run = ana.start_execution("Train", "fit", params={"key": tm.Sensitive("k")})
        ana.link(run, inputs=[raw])
        assert [c.origin for c in ana.classify(raw, "PII")] == [raw.ref]
        assert [c.origin for c in ana.classifications(run)] == [raw.ref]
        assert ana.reveal(raw, "properties.pw") == "s3cret"
        assert ana.reveal(run, "params.key") == "k"
        assert [(m.user, m.role.value) for m in ana.members()] == [("ana", "admin"), ("vic", "viewer")]
        assert ana.audit.verify().ok
        assert [e.action for e in ana.audit.log(target=raw)][-2:] == ["classify", "sensitive.read"]

    with tm.connect(url, project="vision", token=tokens["vic"]) as vic:
        assert vic.get(raw.ref).properties["pw"] == "***"
        for attempt in (lambda: vic.reveal(raw, "properties.pw"), lambda: vic.purge(raw, reason="x"),
                        lambda: vic.classify(raw, "X"), lambda: vic.add_member("vision", "vic", "admin"),
                        lambda: vic.log_artifact("Dataset", "mine", digest=digest(2))):
            with pytest.raises(tm.PermissionDeniedError, match="viewer of project 'vision'"):
                attempt()
        assert vic.tombstone(raw) is None

    with tm.connect(url, project="vision", token=tokens["ana"]) as ana:
        stone = ana.purge(raw, reason="GDPR 3")
        assert (stone.purged_by, ana.tombstone(raw.ref).reason) == ("ana", "GDPR 3")
        ana.declassify(raw, "PII")
        assert ana.classifications(run) == []


def test_bad_tokens_over_http(served):
    url, tokens = served
    for token in (None, "tm_000000000000_" + "x" * 43):
        with pytest.raises(tm.AuthenticationError):
            tm.connect(url, project="vision", token=token)
    with pytest.raises(tm.PermissionDeniedError, match="not a member of project 'other'"):
        tm.connect(url, project="other", token=tokens["ana"])
