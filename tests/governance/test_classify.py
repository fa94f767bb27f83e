"""Classifications follow lineage downstream, now and for later outputs, with their origin."""

from __future__ import annotations

import pytest

import trailmark as tm
from tests.governance.conftest import digest


def _chain(store):
    """raw -> clean(exec) -> features -> train(exec) -> model."""
    raw = store.log_artifact("Dataset", "raw", digest=digest(1))
    features = store.log_artifact("Dataset", "features", digest=digest(2))
    model = store.log_artifact("Model", "m", digest=digest(3))
    clean = store.start_execution("Preprocess", "clean")
    store.link(clean, inputs=[raw], outputs=[features])
    train = store.start_execution("Train", "fit")
    store.link(train, inputs=[features], outputs=[model])
    return raw, clean, features, train, model


def _labels(store, node) -> list[tuple[str, str]]:
    return [(c.label, c.origin) for c in store.classifications(node)]


def test_a_label_reaches_everything_downstream_with_its_origin(sql_store):
    raw, clean, features, train, model = _chain(sql_store)
    other = sql_store.log_artifact("Dataset", "unrelated", digest=digest(9))
    labels = sql_store.classify("dataset:raw", "PII")
    assert [(c.label, c.origin, c.propagate) for c in labels] == [("PII", raw.ref, True)]
    for node in (clean, features, train, model):
        assert _labels(sql_store, node) == [("PII", raw.ref)]
    assert _labels(sql_store, other) == []
    assert sql_store.classifications(model)[0].created_by == sql_store.actor


def test_outputs_of_runs_that_read_a_labelled_node_inherit_it(sql_store):
    raw = sql_store.log_artifact("Dataset", "raw", digest=digest(1))
    sql_store.classify(raw, "PII")
    with sql_store.run("later", type="Train") as run:
        run.log_input(raw)
        out = run.log_output("s3://bucket/derived.parquet", name="derived")
    assert _labels(sql_store, out) == [("PII", raw.ref)]
    assert _labels(sql_store, run.execution) == [("PII", raw.ref)]
    # and below an execution linked to its outputs first, its input second
    step = sql_store.start_execution("Train", "outputs-first")
    result = sql_store.log_artifact("Model", "late", digest=digest(5))
    sql_store.link(step, outputs=[result])
    sql_store.link(step, inputs=[out])
    assert _labels(sql_store, result) == [("PII", raw.ref)]


def test_a_label_that_does_not_propagate_stays_put(sql_store):
    raw, clean, *_ = _chain(sql_store)
    sql_store.classify(raw, "CONFIDENTIAL", propagate=False)
    assert _labels(sql_store, raw) == [("CONFIDENTIAL", raw.ref)]
    assert _labels(sql_store, clean) == []
    later = sql_store.start_execution("Train", "later")
    sql_store.link(later, inputs=[raw])
    assert _labels(sql_store, later) == []


def test_labels_from_two_origins_are_both_kept(sql_store):
    raw, clean, features, train, model = _chain(sql_store)
    sql_store.classify(raw, "PII")
    sql_store.classify(features, "PII")
    assert _labels(sql_store, model) == [("PII", raw.ref), ("PII", features.ref)]


def test_declassifying_the_origin_withdraws_it_everywhere(sql_store):
    raw, clean, features, train, model = _chain(sql_store)
    sql_store.classify(raw, "PII")
    sql_store.declassify(raw, "PII")
    assert all(_labels(sql_store, n) == [] for n in (raw, clean, features, train, model))
    sql_store.classify(raw, "PII")  # classifying again revives it
    assert _labels(sql_store, model) == [("PII", raw.ref)]


def test_a_declassified_node_passes_nothing_on(sql_store):
    raw, clean, features, train, model = _chain(sql_store)
    sql_store.classify(raw, "PII")
    sql_store.declassify(features, "PII")  # e.g. the features were anonymised
    assert _labels(sql_store, features) == []
    assert _labels(sql_store, model) == [("PII", raw.ref)]  # what was already derived keeps it
    later = sql_store.start_execution("Train", "on-anonymised")
    sql_store.link(later, inputs=[features])
    assert _labels(sql_store, later) == []
    sql_store.link(later, inputs=[model])
    assert _labels(sql_store, later) == [("PII", raw.ref)]


def test_bad_labels_and_refs_are_clear_errors(sql_store):
    raw, *_ = _chain(sql_store)
    with pytest.raises(tm.ValidationError, match="invalid classification label"):
        sql_store.classify(raw, "not a label")
    with pytest.raises(tm.NotFoundError, match="ghost"):
        sql_store.classify("dataset:ghost", "PII")
    with pytest.raises(tm.NotFoundError, match="is not classified 'PII'"):
        sql_store.declassify(raw, "PII")


def test_classifying_is_audited(sql_store):
    raw, *_ = _chain(sql_store)
    sql_store.classify(raw, "PII")
    sql_store.declassify(raw, "PII")
    assert [(e.action, e.target) for e in sql_store.audit.log(limit=2)] == [
        ("classify", raw.ref), ("declassify", raw.ref)
    ]
    assert sql_store.audit.verify().ok
