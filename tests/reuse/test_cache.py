"""Cached steps: a hit does not run the function; each part of the key misses on its own."""

from __future__ import annotations

import pytest

import trailmark as tm
from trailmark.tracking._cache import CacheWarning

pd = pytest.importorskip("pandas")


def _frame(shift: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame({"x": [1.0 + shift, 2.0, None], "city": ["a", "b", "c"]})


def _runs(store, name):
    return sorted(store.search(f"name = '{name}'", kind="executions"), key=lambda e: e.id)


def test_hit_returns_an_equal_value_and_records_the_reuse(store):
    calls = []

    @tm.step(type="Preprocess", name="clean", cache=True)
    def clean(df, threshold=0.5):
        calls.append(threshold)
        return df.dropna(), {"dropped": 1, "threshold": threshold}

    first = clean(_frame(), threshold=0.5)
    second = clean(_frame(), threshold=0.5)
    assert calls == [0.5]
    pd.testing.assert_frame_equal(first[0], second[0])
    assert second[1] == {"dropped": 1, "threshold": 0.5}
    original, cached = _runs(store, "clean")
    assert original.cached_from is None and cached.cached_from == original.id
    assert cached.status == "COMPLETE" and cached.params == original.params == {"threshold": 0.5}
    outputs = {a.id for a in store.lineage(original, depth=1).artifacts()}
    assert {a.id for a in store.lineage(cached, depth=1).artifacts()} == outputs
    inputs = store.lineage(cached, direction="upstream", depth=1).artifacts()
    assert [a.name for a in inputs] == ["clean.df"]
    assert store.get(cached.ref).cached_from == original.id


def test_hit_of_a_hit_points_at_the_execution_that_ran(store):
    @tm.step(name="twice", cache=True)
    def twice(df):
        return df * 2

    for _ in range(3):
        twice(pd.DataFrame({"a": [1, 2]}))
    first, second, third = _runs(store, "twice")
    assert second.cached_from == first.id and third.cached_from == first.id


def test_each_part_of_the_key_misses(store):
    calls = []

    def make(step_type, name, body):
        @tm.step(type=step_type, name=name, cache=True)
        def step(df, k=1):
            calls.append(1)
            return body(df, k)

        return step

    base = make("Preprocess", "keyed", lambda df, k: df.head(k))
    base(_frame(), k=1)
    base(_frame(), k=1)
    assert len(calls) == 1
    base(_frame(shift=1.0), k=1)                         # input digest
    assert len(calls) == 2
    base(_frame(), k=2)                                  # params
    assert len(calls) == 3
    make("Validate", "keyed", lambda df, k: df.head(k))(_frame(), k=1)   # type
    assert len(calls) == 4
    make("Preprocess", "keyed-2", lambda df, k: df.head(k))(_frame(), k=1)   # name
    assert len(calls) == 5

    @tm.step(type="Preprocess", name="keyed", cache=True)
    def step(df, k=1):  # same type, name, params and input; one more line of code
        calls.append(1)
        return df.head(k).copy()

    step(_frame(), k=1)
    assert len(calls) == 6


def test_cache_false_and_the_environment_force_a_run(store, monkeypatch):
    calls = []

    @tm.step(name="uncached")
    def uncached(df):
        calls.append(1)
        return df

    uncached(_frame())
    uncached(_frame())
    assert len(calls) == 2

    @tm.step(name="off", cache=True)
    def off(df):
        calls.append(1)
        return df

    monkeypatch.setenv("TRAILMARK_CACHE", "off")
    off(_frame())
    off(_frame())
    assert len(calls) == 4
    assert all(e.cached_from is None for e in _runs(store, "off"))


def test_an_argument_that_cannot_be_digested_runs_uncached_with_a_warning(store):
    calls = []

    @tm.step(name="opaque", cache=True)
    def opaque(df, model):
        calls.append(1)
        return df

    for _ in range(2):
        with pytest.warns(CacheWarning, match="argument 'model' \\(object\\) cannot be digested"):
            opaque(_frame(), object())
    assert len(calls) == 2


def test_a_result_that_cannot_be_kept_is_not_cached(store):
    calls = []

    @tm.step(name="generator", cache=True)
    def generator(df):
        calls.append(1)
        return iter([1, 2])

    for _ in range(2):
        with pytest.warns(CacheWarning, match="not kept for the cache"):
            generator(_frame())
    assert len(calls) == 2


def test_a_failed_run_is_not_reused(store):
    calls = []

    @tm.step(name="flaky", cache=True)
    def flaky(df):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first time fails")
        return df

    with pytest.raises(RuntimeError):
        flaky(_frame())
    flaky(_frame())
    flaky(_frame())
    assert len(calls) == 2
    assert [e.status for e in _runs(store, "flaky")] == ["FAILED", "COMPLETE", "COMPLETE"]


def _featurize(store, frame, bins, calls):
    with tm.run("featurize", type="Preprocess", params={"bins": bins}, inputs=[frame], cache=True) as run:
        if not run.cached:
            calls.append(bins)
            run.log_output(frame.assign(b=bins), name="features")
    return run


def test_a_run_with_declared_inputs_is_served_from_the_cache(store):
    calls = []
    first = _featurize(store, _frame(), 10, calls)
    second = _featurize(store, _frame(), 10, calls)
    assert calls == [10] and not first.cached and second.cached
    assert second.execution.cached_from == first.execution.id and second.execution.status == "COMPLETE"
    assert [a.ref for a in second.outputs] == [a.ref for a in first.outputs] == ["dataset:features@1"]
    assert [a.name for a in store.lineage(second.execution, direction="upstream", depth=1).artifacts()] == [
        "featurize.input0"
    ]
    _featurize(store, _frame(), 20, calls)             # another param
    _featurize(store, _frame(shift=2.0), 10, calls)    # another input
    assert calls == [10, 20, 10]


def test_a_run_with_inputs_but_no_cache_always_runs(store):
    for _ in range(2):
        with tm.run("plain", inputs=[_frame()]) as run:
            assert not run.cached
    runs = _runs(store, "plain")
    assert len(runs) == 2 and all(r.cached_from is None for r in runs)
    assert [a.name for a in store.lineage(runs[1], direction="upstream", depth=1).artifacts()] == ["plain.input0"]
