"""MLflow's run filters as Trailmark filters (pure translation; the searches run in test_tracking)."""

from __future__ import annotations

import pytest

from trailmark.mlflow._errors import MlflowError
from trailmark.mlflow._filters import order, translate


@pytest.mark.parametrize(("mlflow", "trailmark"), [
    ("metrics.rmse < 30000 and params.max_depth = '10'", "metrics.rmse < 30000 and params.max_depth = '10'"),
    ("tags.\"mlflow.runName\" LIKE 'rf%'", "name LIKE 'rf%'"),
    ("tags.`team name` = 'it''s'", "tags.`team name` = 'it''s'"),
    ("attributes.status IN ('FINISHED', 'KILLED')", "status IN ('COMPLETE', 'FAILED')"),
    ("attribute.run_name ILIKE '%deep%'", "name ILIKE '%deep%'"),
    ("tags.mlflow.parentRunId = 'abc'", "parent = 'run:abc'"),
    ("params.model NOT IN ('a', \"b\")", "params.model NOT IN ('a', 'b')"),
    ("attributes.start_time >= 1700000000000", "started >= 2023-11-14T22:13:20Z"),
    ("metrics.`val loss` <= -1.5e-3", "metrics.`val loss` <= -1.5e-3"),
    ("", ""),
])
def test_translation(mlflow, trailmark):
    assert translate(mlflow) == trailmark


@pytest.mark.parametrize(("bad", "message"), [
    ("metrics.rmse < 'x'", "numeric"),
    ("params.a = 1", "quoted string"),
    ("bogus.a = 'x'", "Invalid entity type"),
    ("metrics.a < 1 or metrics.b < 2", "AND"),
    ("attributes.artifact_uri = 'x'", "Invalid attribute key"),
    ("params.a IN ()", "non-empty list"),
    ("datasets.name = 'x'", "not supported"),
    ("params.a ~ 'x'", "unexpected text"),
])
def test_bad_filters_are_invalid_parameter_values(bad, message):
    with pytest.raises(MlflowError, match=message) as info:
        translate(bad)
    assert info.value.error_code == "INVALID_PARAMETER_VALUE"


def test_order_by():
    assert order(None) == ["started desc"]
    assert order(["metrics.rmse ASC", "attributes.start_time DESC", "params.`a b`"]) == [
        "metrics.rmse asc", "started desc", "params.`a b` asc"]
    with pytest.raises(MlflowError):
        order(["nonsense.x"])
