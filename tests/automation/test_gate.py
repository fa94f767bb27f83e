"""Gates and protected aliases, on every backend."""

from __future__ import annotations

import pytest

import trailmark as tm
from tests.automation.conftest import make_model

PRODUCTION = "model:house-price-rf@production"


def gate(store, candidate, **kwargs):
    kwargs.setdefault("metric", "rmse")
    kwargs.setdefault("direction", "min")
    return store.gate(candidate.ref, baseline=kwargs.pop("baseline", PRODUCTION), **kwargs)


def test_no_baseline_passes_and_says_so(store):
    first = make_model(store, 30000.0)
    result = gate(store, first)
    assert result.passed and result.baseline is None and result.candidate == 30000.0
    assert "no baseline" in result.reason
    recorded = store.get(result.execution)
    assert recorded.type == "Gate" and recorded.status == "COMPLETE"
    report = store.get(result.report)
    assert report.type == "Report" and report.properties["gate"]["passed"] is True


def test_compares_values_margins_and_directions(store):
    base = make_model(store, 28000.0)
    store.models.set_alias("house-price-rf", "production", version=base.version)
    worse, better = make_model(store, 31000.0), make_model(store, 25000.0)

    failed = gate(store, worse)
    assert not failed.passed and (failed.candidate, failed.baseline) == (31000.0, 28000.0)
    assert "31000" in failed.reason and "28000" in failed.reason
    assert gate(store, better).passed
    assert gate(store, worse, direction="max").passed
    assert gate(store, better, min_improvement=3000.0).passed  # exactly the margin passes
    assert not gate(store, better, min_improvement=3000.5).passed
    assert gate(store, better, min_improvement="10%").passed  # 10% of 28000 is 2800 <= 3000
    assert not gate(store, better, min_improvement="11%").passed  # 3080 > 3000

    inputs = store.lineage(failed.execution, direction="upstream", depth=1)
    assert {a.id for a in inputs.artifacts()} == {base.id, worse.id}
    roles = {e.source: e.role for e in inputs.edges}
    assert roles == {worse.id: "candidate", base.id: "baseline"}


def test_a_candidate_without_the_metric_fails_with_the_reason(store):
    store.models.set_alias("house-price-rf", "production", version=make_model(store, 28000.0).version)
    silent = make_model(store, None)
    result = gate(store, silent)
    assert not result.passed and result.candidate is None
    assert "has no metric 'rmse'" in result.reason and silent.ref in result.reason


@pytest.mark.parametrize("kwargs, message", [
    ({"direction": "lower"}, "direction must be 'min'"),
    ({"min_improvement": "lots"}, "min_improvement must be a number"),
    ({"metric": ""}, "needs the name of the metric"),
])
def test_bad_arguments_are_refused_before_anything_is_written(store, kwargs, message):
    model = make_model(store, 1.0)
    with pytest.raises(tm.ValidationError, match=message):
        gate(store, model, **kwargs)
    assert not store.search("type = 'Gate'", kind="executions").items


def test_an_unknown_candidate_or_a_missing_version_is_not_found(store):
    model = make_model(store, 1.0)
    with pytest.raises(tm.NotFoundError, match="house-price-rf"):
        store.gate("model:house-price-rf@9", baseline=PRODUCTION, metric="rmse")
    with pytest.raises(tm.NotFoundError):  # a named version that does not exist is not "no baseline"
        store.gate(model.ref, baseline="model:house-price-rf@7", metric="rmse")


def test_a_protected_alias_refuses_a_worse_version_unless_forced(store):
    versions = [make_model(store, v) for v in (28000.0, 31000.0, 25000.0, 40000.0)]
    rule = store.models.protect("house-price-rf", "production", metric="rmse", direction="min")
    assert (rule.metric, rule.direction, rule.min_improvement) == ("rmse", "min", 0.0)
    assert [p.alias for p in store.models.protections("house-price-rf")] == ["production"]
    store.models.set_alias("house-price-rf", "production", version=1)

    with pytest.raises(tm.GateFailedError, match="may not become 'production'"):
        store.models.set_alias("house-price-rf", "production", version=2)
    assert store.get(PRODUCTION).id == versions[0].id
    store.models.set_alias("house-price-rf", "production", version=3)
    store.models.set_alias("house-price-rf", "staging", version=2)  # unprotected aliases stay free
    with pytest.raises(tm.ValidationError, match="needs force"):
        store.models.remove_alias("house-price-rf", "production")

    store.models.set_alias("house-price-rf", "production", version=4, force=True)
    assert store.get(PRODUCTION).id == versions[3].id
    moves = [e for e in store.audit.log(limit=1000) if (e.action, e.target) == ("alias.move", PRODUCTION)]
    assert len(moves) == 3 and store.audit.verify().ok, "the refused move left no audit entry"
    gates = store.search("type = 'Gate'", kind="executions").items
    assert len(gates) == 4, "every move of the protected alias ran its gate (the refused one too)"


def test_protect_refuses_bad_rules(store):
    with pytest.raises(tm.ValidationError, match="direction"):
        store.models.protect("m", "production", metric="rmse", direction="up")
    with pytest.raises(tm.ValidationError, match="alias"):
        store.models.protect("m", "7", metric="rmse")
    assert store.models.protections("m") == []
