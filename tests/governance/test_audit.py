"""The audit log: an entry per write in the same transaction, a chain that finds tampering."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

import trailmark as tm
from tests.governance.conftest import digest
from trailmark.audit import GENESIS, AuditReport, entry_hash


def _pipeline(store):
    data = store.log_artifact("Dataset", "raw", digest=digest(1), properties={"rows": 3})
    run = store.start_execution("Train", "fit", params={"depth": 3})
    store.log_params(run, {"lr": 0.1})
    model = store.log_artifact("Model", "m", digest=digest(2))
    store.link(run, inputs=[data], outputs=[model])
    store.log_metrics(run, {f"k{i}": float(i) for i in range(100)}, step=0)
    store.end_execution(run)
    store.set_tag(model, "owner", "ana")
    store.set_alias("m", "production", version=1)
    return data, run, model


def test_every_write_appends_one_entry(sql_store):
    data, run, model = _pipeline(sql_store)
    entries = sql_store.audit.log(limit=1000)
    assert [(e.action, e.target) for e in entries] == [
        ("project.add", "project:default"),
        ("artifact.create", data.ref),
        ("execution.start", run.ref),
        ("params.log", run.ref),
        ("artifact.create", model.ref),
        ("link", run.ref),
        ("metrics.log", run.ref),  # one entry for the whole batch of 100 points
        ("execution.end", run.ref),
        ("tag.set", model.ref),
        ("alias.move", "model:m@production"),
    ]
    assert {e.actor for e in entries} == {sql_store.actor}
    assert [e.seq for e in entries] == list(range(1, 11))
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert sql_store.audit.verify() == AuditReport(ok=True, checked=10, head_seq=10, head_hash=entries[-1].hash)


def test_known_content_and_failed_writes_append_nothing(sql_store):
    sql_store.log_artifact("Dataset", "raw", digest=digest(1))
    run = sql_store.start_execution("Train", "fit")
    sql_store.end_execution(run)
    before = sql_store.audit.verify().checked
    sql_store.log_artifact("Dataset", "raw", digest=digest(1))  # same content: the same version, no change
    with pytest.raises(tm.ConflictError):
        sql_store.end_execution(run)  # rolled back, and its entry with it
    assert sql_store.audit.verify().checked == before


def test_log_filters_by_target_actor_and_time(sql_store, store_uri):
    data, run, _ = _pipeline(sql_store)
    with tm.connect(store_uri) as other:
        other.actor = "bob"
        other.set_tag(data, "checked", "yes")
    assert [e.action for e in sql_store.audit.log(target="dataset:raw")] == ["artifact.create", "tag.set"]
    assert [e.action for e in sql_store.audit.log(target=run)][:2] == ["execution.start", "params.log"]
    assert [e.target for e in sql_store.audit.log(actor="bob")] == [data.ref]
    assert sql_store.audit.log(since=datetime.now(timezone.utc) + timedelta(hours=1)) == []
    assert len(sql_store.audit.log(since="1d")) == len(sql_store.audit.log(limit=1000))
    assert [e.seq for e in sql_store.audit.log(limit=2)] == [10, 11]
    with pytest.raises(tm.ValidationError, match="duration"):
        sql_store.audit.log(since="yesterday-ish")


def test_the_api_offers_no_way_to_change_an_entry(sql_store):
    public = {name for name in dir(sql_store.audit) if not name.startswith("_")}
    assert public == {"log", "store", "usage", "verify"}


@pytest.mark.parametrize(
    "tamper, first_bad",
    [
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4", 4),
        ("UPDATE audit_log SET target = 'dataset:other@1' WHERE seq = 2", 2),
        ("DELETE FROM audit_log WHERE seq = 5", 5),
        ("DELETE FROM audit_log WHERE seq = 1", 1),
        ("UPDATE audit_log SET prev_hash = hash WHERE seq = 7", 7),
    ],
)
def test_an_edited_or_removed_entry_is_found(sql_store, raw, tamper, first_bad):
    _pipeline(sql_store)
    assert sql_store.audit.verify().ok
    raw(tamper)
    report = sql_store.audit.verify()
    assert (report.ok, report.first_bad) == (False, first_bad)


def test_two_swapped_entries_are_found(sql_store, raw):
    _pipeline(sql_store)
    columns = "time, project, actor, action, target, change, prev_hash, hash"
    (a,) = raw(f"SELECT {columns} FROM audit_log WHERE seq = 3")
    (b,) = raw(f"SELECT {columns} FROM audit_log WHERE seq = 6")
    for seq, row in ((3, b), (6, a)):
        raw(
            "UPDATE audit_log SET time = :time, project = :project, actor = :actor, action = :action, "
            "target = :target, change = :change, prev_hash = :prev_hash, hash = :hash WHERE seq = :seq",
            seq=seq, **row._mapping,
        )
    report = sql_store.audit.verify()
    assert (report.ok, report.first_bad) == (False, 3)


def test_an_entry_rewritten_with_a_fresh_hash_breaks_the_next_link(sql_store, raw):
    _pipeline(sql_store)
    entries = sql_store.audit.log(limit=100)
    forged = entries[3]
    new_hash = entry_hash(prev_hash=forged.prev_hash, seq=forged.seq, time=forged.time, project=forged.project,
                          actor="mallory", action=forged.action, target=forged.target, change=forged.change,
                          state=forged.state)
    raw("UPDATE audit_log SET actor = 'mallory', hash = :h WHERE seq = :s", h=new_hash, s=forged.seq)
    report = sql_store.audit.verify()
    assert (report.ok, report.first_bad) == (False, forged.seq + 1)
    assert "does not link" in report.reason


def test_an_inserted_entry_is_found(sql_store, raw):
    _pipeline(sql_store)
    raw("UPDATE audit_log SET seq = seq + 100 WHERE seq > 5")
    raw("INSERT INTO audit_log (seq, time, project, actor, action, target, change, prev_hash, hash) "
        "SELECT 6, time, project, 'mallory', action, target, change, hash, hash FROM audit_log WHERE seq = 5")
    raw("UPDATE audit_log SET seq = seq - 99 WHERE seq > 100")
    report = sql_store.audit.verify()
    assert (report.ok, report.first_bad) == (False, 6)


WRITER = r"""
import sys
import trailmark as tm
store = tm.connect(sys.argv[1])
worker = int(sys.argv[2])
for i in range(int(sys.argv[3])):
    data = store.log_artifact("Dataset", f"w{worker}", digest="sha256:%064x" % (worker * 1000 + i))
    run = store.start_execution("Ingest", f"w{worker}")
    store.link(run, outputs=[data])
    store.log_metrics(run, {"i": i}, step=i)
    store.end_execution(run)
print("ok")
"""


def test_concurrent_writers_make_one_unbroken_chain(store_uri):
    tm.connect(store_uri).close()
    workers, each = 4, 10
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, store_uri, str(w), str(each)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for w in range(workers)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "ok" in out, err
    with tm.connect(store_uri) as store:
        report = store.audit.verify()
        assert report.ok, report
        assert report.checked == 1 + workers * each * 5
        assert len({e.target for e in store.audit.log(limit=1000) if e.action == "artifact.create"}) == workers * each


def test_an_anchor_kept_elsewhere_catches_a_cut_or_rewritten_tail(sql_store, raw):
    _pipeline(sql_store)
    head = sql_store.audit.verify()
    anchor = f"{head.head_seq}:{head.head_hash}"
    assert sql_store.audit.verify(anchor=anchor).ok

    entries = sql_store.audit.log(limit=100)
    # Rewrite the tail from entry 8 with fresh, self-consistent hashes: only the anchor notices.
    prev = entries[6].hash
    for entry in entries[7:]:
        digest = entry_hash(prev_hash=prev, seq=entry.seq, time=entry.time, project=entry.project, actor="mallory",
                            action=entry.action, target=entry.target, change=entry.change, state=entry.state)
        raw("UPDATE audit_log SET actor = 'mallory', prev_hash = :p, hash = :h WHERE seq = :s",
            p=prev, h=digest, s=entry.seq)
        prev = digest
    assert sql_store.audit.verify().ok
    report = sql_store.audit.verify(anchor=anchor)
    assert (report.ok, report.first_bad) == (False, head.head_seq) and "rewritten" in report.reason

    raw("DELETE FROM audit_log WHERE seq >= 9")  # cut the tail off
    assert sql_store.audit.verify().ok
    report = sql_store.audit.verify(anchor=anchor)
    assert (report.ok, report.first_bad) == (False, 9) and "cut" in report.reason
    with pytest.raises(tm.ValidationError, match="invalid anchor"):
        sql_store.audit.verify(anchor="10:nothex")
