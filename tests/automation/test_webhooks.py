"""Webhooks with a real receiver on loopback: signed, retried with backoff, every attempt kept."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

import trailmark as tm
from tests.automation.conftest import Receiver, free_port, make_model, wait_for
from trailmark.automation._worker import BACKOFF_ENV


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setenv(BACKOFF_ENV, "0.2")  # read when a store's sender starts


def delivered(store, hook, event):
    return [d for d in store.webhooks.deliveries(hook.id) if d.event == event and d.state == "delivered"]


def test_an_event_is_signed_and_its_delivery_kept(store, receiver):
    hook = store.webhooks.add(receiver.url, events=["alias.moved", "model.version.created"], secret="s3cret")
    assert hook.signed and hook.events == ["alias.moved", "model.version.created"]
    model = make_model(store, 28000.0)
    store.models.set_alias("house-price-rf", "production", version=model.version)

    got = wait_for(lambda: receiver.events("alias.moved"))
    assert len(got) == 1
    request, body = got[0], json.loads(got[0]["body"])
    assert set(body) == {"id", "event", "time", "project", "subject", "data"}
    assert (body["event"], body["project"], body["subject"]) == ("alias.moved", store.project,
                                                                 "model:house-price-rf@production")
    assert body["data"]["version"] == model.version
    assert request["headers"]["x-trailmark-delivery"] == body["id"]
    expected = "sha256=" + hmac.new(b"s3cret", request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["x-trailmark-signature"] == expected
    assert [b["subject"] for b in receiver.bodies("model.version.created")] == [model.ref]
    assert not receiver.events("run.completed"), "only subscribed events are sent"

    kept = wait_for(lambda: delivered(store, hook, "alias.moved"))
    assert kept[0].id == body["id"] and kept[0].status_code == 200 and kept[0].attempts == 1
    assert [a.status_code for a in kept[0].history] == [200]


def test_a_receiver_that_fails_at_first_gets_the_event_after_retries(store, receiver):
    receiver.failures = 2  # 503 twice, then 200
    hook = store.webhooks.add(receiver.url, events=["run.completed"])
    run = store.start_execution("Train", "t")
    store.end_execution(run)

    def done():
        store.deliver_webhooks()  # over HTTP the server's sender keeps its own (longer) backoff
        return delivered(store, hook, "run.completed")

    (delivery,) = wait_for(done, timeout=30)
    assert delivery.attempts == 3 and [a.status_code for a in delivery.history] == [503, 503, 200]
    assert delivery.subject == run.ref
    assert len(receiver.events("run.completed")) == 3, "each attempt is one request, no more"
    assert "X-Trailmark-Signature".lower() not in receiver.requests[0]["headers"], "no secret, no signature"


def test_a_receiver_down_at_first_and_back_later_gets_the_event(tmp_path):
    port = free_port()  # nothing listens there yet
    with tm.connect(f"sqlite:///{tmp_path / 'tm.db'}") as store:
        hook = store.webhooks.add(f"http://127.0.0.1:{port}/hook", events=["run.failed"])
        run = store.start_execution("Train", "t")
        store.end_execution(run, status="FAILED", error="boom")
        refused = wait_for(lambda: [d for d in store.webhooks.deliveries(hook.id) if d.attempts >= 2])
        assert refused and refused[0].state == "pending" and refused[0].status_code is None
        assert "Connection" in (refused[0].history[0].error or ""), refused[0].history
        back = Receiver(port)
        try:
            (delivery,) = wait_for(lambda: delivered(store, hook, "run.failed"), timeout=30)
            assert len(back.events("run.failed")) == 1
            assert delivery.attempts == len(delivery.history) >= 3
            assert all(a.status_code is None for a in delivery.history[:-1])
        finally:
            back.stop()


def test_a_failed_validation_and_a_classification_are_events(store, receiver):
    hook = store.webhooks.add(receiver.url, events=["validation.failed", "node.classified"])
    check = store.start_execution("Validate", "validate-x")
    store.end_execution(check, status="FAILED", error="bedrooms: 12% missing")
    data = store.log_artifact("Dataset", "x", uri="s3://b/x", digest="sha256:" + "1" * 64)
    store.classify(data, "PII")
    assert wait_for(lambda: receiver.events("validation.failed") and receiver.events("node.classified"))
    assert receiver.bodies("validation.failed")[0]["data"]["error"] == "bedrooms: 12% missing"
    assert receiver.bodies("node.classified")[0]["data"]["label"] == "PII"
    assert len(store.webhooks.deliveries(hook.id)) == 2


def test_hooks_are_listed_and_removed_and_a_removed_hook_gets_nothing(store, receiver):
    hook = store.webhooks.add(receiver.url, events=["run.completed"])
    assert [h.id for h in store.webhooks.list()] == [hook.id]
    assert store.webhooks.remove(hook.id).id == hook.id
    assert store.webhooks.list() == []
    store.end_execution(store.start_execution("Train", "t"))
    with pytest.raises(tm.NotFoundError, match=f"no webhook {hook.id}"):
        store.webhooks.deliveries(hook.id)
    with pytest.raises(tm.NotFoundError):
        store.webhooks.remove(hook.id)
    assert store.webhooks.deliver() == 0 and receiver.requests == []
    for bad in (0, 10**30, "1", True):
        with pytest.raises(tm.ValidationError, match="a webhook id is a whole number"):
            store.webhooks.remove(bad)


@pytest.mark.parametrize("url, events, message", [
    ("ftp://ci.example/hook", ["run.completed"], "must be http:// or https://"),
    ("file:///etc/passwd", ["run.completed"], "must be http:// or https://"),
    ("http://169.254.169.254/latest/meta-data", ["run.completed"], "link-local or cloud metadata"),
    ("http://[fd00:ec2::254]/", ["run.completed"], "link-local or cloud metadata"),
    ("http://[::ffff:169.254.169.254]/", ["run.completed"], "link-local or cloud metadata"),
    ("https://ci.example/hook", ["run.finished"], "unknown webhook event 'run.finished'"),
    ("https://ci.example/hook", [], "needs a list of events"),
    ("https://ci.example:99999/hook", ["run.completed"], "cannot read webhook URL"),
])
def test_bad_hooks_are_refused_and_nothing_is_stored(store, url, events, message):
    with pytest.raises(tm.ValidationError, match=message):
        store.webhooks.add(url, events=events)
    assert store.webhooks.list() == []


def test_private_addresses_are_refused_when_the_policy_says_so(tmp_path):
    from trailmark.automation._urls import UrlPolicy

    with tm.connect(f"sqlite:///{tmp_path / 'tm.db'}") as store:
        store.webhook_policy = UrlPolicy(deny_private=True)
        view = store.for_project("other", actor="ci", create=True)  # a server's per-request store
        for target in (store, view):
            for url in ("http://127.0.0.1:9/hook", "http://10.1.2.3/hook", "http://localhost/hook"):
                with pytest.raises(tm.ValidationError, match="private address"):
                    target.webhooks.add(url, events=["run.completed"])
            assert target.webhooks.list() == []
