"""run.validate and tm.validate: a Validate step between the dataset and its Report, failing on bad data."""

from __future__ import annotations

import pytest

import trailmark as tm

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

CHECKS = {
    "schema": {"size": "float64", "bedrooms": "float64"},
    "max_missing": {"bedrooms": 0.1},
    "ranges": {"size": (0, 10000)},
    "unique": ["id"],
    "rows": (1, None),
}


def frame(missing: int = 0):
    bedrooms = [3.0, 2.0, 4.0, 3.0, 2.0, 3.0, 3.0, 4.0]
    for i in range(missing):
        bedrooms[i] = np.nan
    return pd.DataFrame({"id": range(8), "size": [1000.0 + 100 * i for i in range(8)], "bedrooms": bedrooms})


def _validate_steps(store):
    return list(store.search("type = 'Validate'", kind="executions"))


def test_passing_validation_records_dataset_validate_report(store):
    with tm.run("prepare", type="Preprocess", experiment="houses") as run:
        report = run.validate(frame(), checks=CHECKS, name="housing-raw")
    assert report["passed"] is True and report["dataset"] == "dataset:housing-raw@1"
    assert report["report"] == "report:housing-raw-validation@1"
    [step] = _validate_steps(store)
    assert step.status == "COMPLETE" and step.params["checks"]["ranges"] == {"size": [0, 10000]}

    lineage = store.lineage("dataset:housing-raw@1", direction="downstream")
    assert {a.ref for a in lineage.artifacts()} == {"dataset:housing-raw@1", "report:housing-raw-validation@1"}
    assert {e.type for e in lineage.executions()} == {"Validate", "Preprocess"}
    stored = store.get("report:housing-raw-validation@1")
    assert stored.properties["passed"] is True
    assert {c["check"] for c in stored.properties["checks"]} == set(CHECKS)
    upstream = store.lineage(run.execution.ref, direction="upstream", depth=1)
    assert [a.ref for a in upstream.artifacts()] == ["dataset:housing-raw@1"]


def test_failed_check_fails_the_step_and_raises_naming_the_figure(store):
    with pytest.raises(tm.DataValidationError, match=r"bedrooms: 12\.5% missing, allowed 10\.0%") as caught:
        with tm.run("prepare") as run:
            run.validate(frame(missing=1), checks=CHECKS)
    assert isinstance(caught.value, tm.ValidationError)
    assert caught.value.report["passed"] is False
    [step] = _validate_steps(store)
    assert step.status == "FAILED" and step.error == "bedrooms: 12.5% missing, allowed 10.0%"
    report = store.get("report:prepare.validated-validation")
    assert report.properties["failures"] == ["bedrooms: 12.5% missing, allowed 10.0%"]
    downstream = store.lineage(step.ref, direction="downstream", depth=1)
    assert [a.ref for a in downstream.artifacts()] == [report.ref]
    assert store.get(run.execution.ref).status == "FAILED"


def test_failure_without_raising_returns_the_report(store):
    with tm.run("prepare"):
        report = tm.validate(frame(missing=2), checks={"max_missing": 0.1}, raise_on_failure=False)
    assert report["passed"] is False and report["failures"] == ["bedrooms: 25.0% missing, allowed 10.0%"]
    assert report["dataset"] == "dataset:prepare.validated@1"


def test_validate_without_a_run(store):
    report = tm.validate(frame(), checks={"rows": (8, 8)}, name="housing-raw")
    assert report["passed"]
    [step] = _validate_steps(store)
    assert step.status == "COMPLETE" and step.name == "validate-housing-raw"
    upstream = store.lineage(step.ref, direction="upstream", depth=1)
    assert [a.ref for a in upstream.artifacts()] == ["dataset:housing-raw@1"]


def test_malformed_checks_write_nothing(store):
    with pytest.raises(tm.ValidationError, match="unknown check 'nulls'"):
        tm.validate(frame(), checks={"nulls": 0.1}, name="housing-raw")
    assert _validate_steps(store) == []
    assert list(store.search("type = 'Dataset'", kind="artifacts")) == []


def test_in_memory_data_outside_a_run_needs_a_name(store):
    with pytest.raises(tm.ValidationError, match="name= is needed"):
        tm.validate(frame(), checks={"rows": 1})
