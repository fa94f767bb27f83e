"""Random JSON bodies, filters and references through a real server: no 5xx, and a refused request stores nothing."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

text = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", " ", "\x00", "a b", "x@1", ":x", "/x", "dataset:x@1", "exec:1", "sha256:0", "9" * 40, "²", "\u202e"]
)
scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=25
)


def _deep(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = {"a": value}
    return value


values = json_values | st.integers(60, 400).map(_deep)
nodes = text | st.integers(-5, 2**64) | st.fixed_dictionaries({"result": st.integers(-2, 5)})


def _operation() -> st.SearchStrategy[dict]:
    return st.one_of(
        st.fixed_dictionaries({"op": st.just("log_artifact"), "type": text | st.just("Dataset"),
                               "name": text | st.just("fz"), "uri": text | st.just("s3://b/x")},
                              optional={"digest": text, "properties": values}),
        st.fixed_dictionaries({"op": st.just("start_execution"), "type": text | st.just("Train"),
                               "name": text | st.just("fz")}, optional={"params": values, "environment": values}),
        st.fixed_dictionaries({"op": st.just("link"), "execution": nodes},
                              optional={"inputs": st.lists(nodes, max_size=3), "outputs": st.lists(nodes, max_size=3)}),
        st.fixed_dictionaries({"op": st.just("log_metric_points"), "execution": nodes,
                               "points": st.lists(st.fixed_dictionaries({"key": text, "value": scalars}), max_size=3)}),
        st.fixed_dictionaries({"op": st.just("end_execution"), "execution": nodes}, optional={"status": text}),
        values,
    )


requests = st.one_of(
    st.tuples(st.just("/executions"), st.fixed_dictionaries(
        {"type": text | st.just("Train"), "name": text | st.just("fz")},
        optional={"params": values, "environment": values, "context": text},
    )),
    st.tuples(st.just("/artifacts"), st.fixed_dictionaries(
        {"type": text | st.just("Dataset"), "name": text | st.just("fz")},
        optional={"uri": text, "digest": text, "properties": values},
    )),
    st.tuples(st.just("/batch"), st.fixed_dictionaries({"operations": st.lists(_operation(), max_size=4)})),
    st.tuples(st.just("/executions/1/metrics"), st.fixed_dictionaries(
        {"points": st.lists(st.fixed_dictionaries({"key": text, "value": scalars}, optional={"step": scalars}),
                            max_size=3)})),
    st.tuples(st.just("/executions/1/links"), st.fixed_dictionaries({"inputs": st.lists(text, max_size=3)})),
    st.tuples(st.sampled_from(["/executions", "/artifacts", "/batch"]), values),
)

filter_words = st.sampled_from(
    ["name", "type", "created", "metrics.rmse", "params.a", "properties.x.y", "not", "and", "or", "(", ")", "=", "<",
     "LIKE", "IN", "IS NULL", "'x'", "1e308", "-9999999999999999999999", "now()", "- 3000000d",
     "9999-12-31T23:59:59-23:59",
     "derived_from('dataset:x@1')", "'\\ud800'", "\x00", "²", "'"]
)
filters = st.lists(filter_words, max_size=12).map(" ".join) | text


def _state(api) -> tuple[int, int, int]:
    found = [len(api.get("/search", params={"kind": kind, "limit": 1000}).json()["items"])
             for kind in ("artifacts", "executions")]
    return found[0], found[1], len(api.get("/audit", params={"limit": 10000}).json())


def _check(response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body["error"]) >= {"code", "message"} and "Traceback" not in response.text


@SETTINGS
@given(request=requests)
def test_random_writes_never_fail_the_server_and_refusals_store_nothing(api, request):
    path, body = request
    before = _state(api)
    response = api.post(path, content=json.dumps(body).encode(), headers={"content-type": "application/json"})
    _check(response)
    if response.status_code >= 400:
        assert _state(api) == before, f"{path} refused with {response.status_code} but wrote: {response.text}"


@SETTINGS
@given(filter=filters, kind=st.sampled_from(["artifacts", "executions", "models", "nodes"]),
       order=st.lists(filter_words, max_size=3).map(" ".join))
def test_random_filters_are_answered_or_refused(api, filter, kind, order):
    _check(api.get("/search", params={"filter": filter, "kind": kind, "order_by": [order] if order else []}))


@SETTINGS
@given(ref=text | st.sampled_from(["dataset:x@99999999999999999999", "model:m@production", "run:" + "f" * 32]),
       depth=text)
def test_random_references_are_answered_or_refused(api, ref, depth):
    from urllib.parse import quote

    path = quote(ref, safe="") or "x"
    _check(api.get(f"/nodes/{path}"))
    _check(api.get(f"/lineage/{path}", params={"depth": depth, "direction": "both"}))
    _check(api.get("/audit", params={"since": depth}))
