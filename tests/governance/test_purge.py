"""Purge: content erased, identity, lineage shape and audit chain kept; retention lists candidates."""

from __future__ import annotations

from datetime import datetime

import pytest

import trailmark as tm
from tests.governance.conftest import digest


def test_purging_an_artifact_keeps_a_tombstone_and_the_graph(sql_store, secret_key, raw):
    data = sql_store.log_artifact("Dataset", "patients", "s3://bucket/patients.csv", digest=digest(1),
                                  properties={"owner": "dr-who", "key": tm.Sensitive("x")})
    with sql_store.run("train", type="Train") as run:
        run.log_input(data)
    before = sql_store.lineage(data, direction="downstream")

    stone = sql_store.purge("dataset:patients@1", reason="GDPR request 42")
    assert (stone.ref, stone.type, stone.name, stone.version) == (data.ref, "Dataset", "patients", 1)
    # the content digest is replaced by a keyed one: logging guessed content again cannot confirm it
    assert stone.digest != digest(1) and stone.digest.startswith("sha256:")
    assert (stone.purged_by, stone.reason) == (sql_store.actor, "GDPR request 42")
    purged = sql_store.get(data.ref)
    assert (purged.properties, purged.uri, purged.digest) == ({}, None, stone.digest)
    assert sql_store.tombstone(data) == stone
    after = sql_store.lineage(data, direction="downstream")
    assert [n.id for n in after.nodes] == [n.id for n in before.nodes] and after.edges == before.edges
    assert not any("dr-who" in str(row) or "s3://bucket" in str(row) for row in raw("SELECT * FROM artifacts"))
    with pytest.raises(tm.NotFoundError):
        sql_store.reveal(data, "properties.key")
    (entry,) = sql_store.audit.log(limit=1)
    assert (entry.action, entry.target) == ("purge", data.ref)
    assert sql_store.audit.verify().ok


def test_purging_an_execution_removes_its_params(sql_store, raw):
    run = sql_store.start_execution("Train", "t", params={"patient_id": "p-123"})
    sql_store.end_execution(run, status="FAILED", error="bad row for p-123")
    sql_store.purge(run, reason="erasure")
    purged = sql_store.get(run)
    assert (purged.params, purged.error, purged.status) == ({}, None, "FAILED")
    assert raw("SELECT COUNT(*) FROM params")[0][0] == 0
    assert sql_store.tombstone(run).version is None


def test_purge_needs_a_reason_and_happens_once(sql_store):
    data = sql_store.log_artifact("Dataset", "d", digest=digest(1))
    with pytest.raises(tm.ValidationError, match="needs a reason"):
        sql_store.purge(data, reason="  ")
    sql_store.purge(data, reason="r")
    with pytest.raises(tm.ConflictError, match="already purged"):
        sql_store.purge(data, reason="r")
    assert sql_store.tombstone(sql_store.log_artifact("Dataset", "d", digest=digest(2))) is None


def test_retention_lists_old_unpurged_artifacts_of_a_type(sql_store, store_uri):
    with tm.connect(store_uri, clock=tm.ManualClock(datetime(2020, 1, 1))) as past:
        old = past.log_artifact("Dataset", "old", digest=digest(1))
        old_model = past.log_artifact("Model", "old", digest=digest(2))
        gone = past.log_artifact("Dataset", "gone", digest=digest(3))
    sql_store.log_artifact("Dataset", "new", digest=digest(4))
    sql_store.purge(gone, reason="earlier")
    assert [a.ref for a in sql_store.retention_candidates(older_than="180d", type="Dataset")] == [old.ref]
    assert [a.ref for a in sql_store.retention_candidates(older_than="180d")] == [old.ref, old_model.ref]
    with pytest.raises(tm.ValidationError, match="invalid duration"):
        sql_store.retention_candidates(older_than="ages")
