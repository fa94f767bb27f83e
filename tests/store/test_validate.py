"""Hostile values are refused alike on every backend, with a message that says what was wrong, and leave nothing."""

from __future__ import annotations

import hashlib

import pytest

import trailmark as tm
from trailmark.store import _validate

DIGEST = "sha256:" + hashlib.sha256(b"x").hexdigest()


def _nested(levels: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def _counts(store) -> tuple[int, int]:
    return (len(store.search("", kind="artifacts", limit=1000)), len(store.search("", kind="executions", limit=1000)))


@pytest.mark.parametrize("levels", [65, 300, 900, 5000])
def test_json_nested_past_64_levels_is_refused_everywhere(store, levels):
    before = _counts(store)
    deep = _nested(levels)
    with pytest.raises(tm.ValidationError, match="environment nests more than 64 levels"):
        store.start_execution("Train", "deep", environment=deep)
    with pytest.raises(tm.ValidationError, match="params nests more than 64 levels"):
        store.start_execution("Train", "deep", params=deep)
    with pytest.raises(tm.ValidationError, match="properties nests more than 64 levels"):
        store.log_artifact("Dataset", "deep", uri="s3://b/x", digest=DIGEST, properties=deep)
    e = store.start_execution("Train", "shallow", params=_nested(64))
    with pytest.raises(tm.ValidationError, match="params nests"):
        store.log_params(e, {"more": _nested(64)})
    assert _counts(store) == (before[0], before[1] + 1)
    assert store.search("name = 'shallow'", kind="executions")[0].params == _nested(64)


def test_deep_lists_count_too(store):
    value: list = [1]
    for _ in range(100):
        value = [value]
    with pytest.raises(tm.ValidationError, match="nests more than 64"):
        store.log_artifact("Dataset", "deep-list", uri="s3://b/x", digest=DIGEST, properties={"v": value})


def test_a_value_over_the_size_limit_is_refused(store, monkeypatch):
    monkeypatch.setattr(_validate.LIMITS, "value_bytes", 1000)
    with pytest.raises(tm.ValidationError, match="properties 'blob' is .* MiB of JSON"):
        store.log_artifact("Dataset", "big", uri="s3://b/big", digest=DIGEST, properties={"blob": "x" * 2000})
    with pytest.raises(tm.ValidationError, match="params 'p'"):
        store.start_execution("Train", "big", params={"p": list(range(1000))})
    store.log_artifact("Dataset", "small", uri="s3://b/s", digest=DIGEST, properties={"a": "x" * 900, "b": "y" * 900})
    with pytest.raises(tm.NotFoundError):
        store.get("dataset:big")


def test_lone_surrogates_and_nul_characters_are_refused(store):
    with pytest.raises(tm.ValidationError, match="lone surrogate"):
        store.log_artifact("Dataset", "x\ud800", uri="s3://b/x", digest=DIGEST)
    with pytest.raises(tm.ValidationError, match="lone surrogate"):
        store.get("dataset:x\ud800")
    with pytest.raises(tm.ValidationError, match="not valid Unicode"):
        store.log_artifact("Dataset", "ok", uri="s3://b/x", digest=DIGEST, properties={"k": "\udfff"})
    e = store.start_execution("Train", "nul")
    with pytest.raises(tm.ValidationError, match="metric key must not contain NUL"):
        store.log_metrics(e, {"a\x00b": 1.0})
    with pytest.raises(tm.ValidationError, match="must be a number"):
        store.log_metrics(e, {"flag": True})
    assert store.metrics(e) == []


def test_set_alias_and_start_execution_check_their_names(store):
    with pytest.raises(tm.ValidationError, match="invalid model name"):
        store.models.set_alias("has space", "production", version=1)
    with pytest.raises(tm.ValidationError, match="invalid alias"):
        store.models.set_alias("m", "a@b", version=1)
    with pytest.raises(tm.ValidationError, match="invalid context"):
        store.start_execution("Train", "t", context="a b")
    with pytest.raises(tm.ValidationError, match="invalid context type"):
        store.start_execution("Train", "t", context="exp", context_type="1x")
    assert not store.search("name = 't'", kind="executions").items


@pytest.mark.parametrize(
    ("filter", "message"),
    [
        ("not " * 1200 + "name = 'x'", "nests more than 64 levels"),
        ("created > 9999-12-31T23:59:59-23:59", "out of range"),
        ("created > '9999-12-31T23:59:59-23:59'", "out of range"),
        ("created > now() - 3000000d", "out of range"),
        ("created < 0001-01-01T00:00:00+01:00", "out of range"),
    ],
)
def test_hostile_filters_are_refused(store, filter, message):
    with pytest.raises(tm.ValidationError, match=message):
        store.search(filter)


def test_redundant_parentheses_fold_away(store):
    assert not store.search("(" * 1200 + "name = 'x'" + ")" * 1200).items


def test_forged_page_tokens_are_refused(store):
    for token in ("eyJmb3JnZWQiOiAxfQ==", "!!!", "a" * 5000, "é.é", "x.\u00ff"):
        with pytest.raises(tm.ValidationError, match="page token"):
            store.search("", page_token=token)


def test_audit_since_far_back_is_refused(store):
    with pytest.raises(tm.ValidationError, match="out of range|too long"):
        store.audit.log(since="3000000d")
    with pytest.raises(tm.ValidationError, match="too long"):
        store.audit.log(since="99999999999999d")


def test_a_date_that_leaves_the_calendar_in_utc_is_refused(store):
    from datetime import datetime, timedelta, timezone

    far = datetime(9999, 12, 31, 23, 59, tzinfo=timezone(-timedelta(hours=23)))
    with pytest.raises(tm.ValidationError, match="out of range"):
        store.get("dataset:nothing", at=far)


def test_compare_takes_at_most_a_hundred_references(store):
    with pytest.raises(tm.ValidationError, match="too many references to compare"):
        store.compare(*[f"exec:{i}" for i in range(101)])


def test_metric_points_per_call_are_bounded(store):
    e = store.start_execution("Train", "points")
    points = [tm.Metric("m", 1.0, i, store.clock.now()) for i in range(_validate.MAX_METRIC_POINTS + 1)]
    with pytest.raises(tm.ValidationError, match="too many metric points"):
        store.log_metric_points(e, points)
    assert store.metrics(e) == []
