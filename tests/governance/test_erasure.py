"""Purge searched for in the raw database files and every table; deep verification against direct SQL edits."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import inspect, text

import trailmark as tm
from tests.governance.conftest import digest

SECRET = "zq7-erase-me@example.org"


def _node_with_everything(store, secret: str = SECRET):
    e = store.start_execution("Ingest", "load", params={"contact": secret},
                              environment={"operator": secret})
    out = store.log_artifact("Dataset", "extract", "s3://bucket/" + secret, properties={"contact": secret})
    store.link(e, outputs=[out])
    store.log_metrics(e, {"rows": 3.0})
    store.set_tag(e, "contact", secret)
    store.set_tag(out, "contact", secret)
    store.end_execution(e, status="FAILED", error=f"could not reach {secret}", resources={"host": secret})
    return e, out


def _tables_holding(store, value: str) -> list[str]:
    found = []
    with store.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                if value in repr(tuple(row)):
                    found.append(table)
                    break
    return found


def test_purge_leaves_the_value_in_no_table(sql_store):
    e, out = _node_with_everything(sql_store)
    assert "params" in _tables_holding(sql_store, SECRET)
    sql_store.purge(e, reason="erasure request 42")
    sql_store.purge(out, reason="erasure request 42")
    assert _tables_holding(sql_store, SECRET) == []
    assert not list(sql_store.search(f"tags.contact = '{SECRET}'", kind="executions"))
    assert not list(sql_store.search(f"params.contact = '{SECRET}'", kind="executions"))
    assert [n.id for n in sql_store.lineage(e, direction="downstream").nodes] == [e.id, out.id]
    assert sql_store.audit.verify().ok and sql_store.audit.verify(deep=True).ok


def test_purge_leaves_the_value_in_no_sqlite_file(tmp_path):
    path = tmp_path / "t.db"
    with tm.connect(f"sqlite:///{path}") as store:
        e, out = _node_with_everything(store)
        for _ in range(3):  # updates leave older copies of pages behind
            store.set_description(out, f"about {SECRET}") if hasattr(store, "set_description") else None
        store.purge(e, reason="r")
        store.purge(out, reason="r")
        for suffix in ("", "-wal", "-journal"):
            file = path.with_name(path.name + suffix)
            if file.exists():
                assert SECRET.encode() not in file.read_bytes(), f"{file.name} still holds the value"


def test_audit_digests_are_keyed_so_a_guess_cannot_be_confirmed(sql_store):
    e, _ = _node_with_everything(sql_store)
    entries = sql_store.audit.log(target=e, limit=100)
    assert entries and all(entry.change.startswith("hmac:") for entry in entries)
    from trailmark.audit import change_digest

    start = next(entry for entry in entries if entry.action == "execution.start")
    assert start.change != change_digest({"type": "Ingest", "name": "load", "params": {"contact": SECRET}})


def test_kept_bytes_are_erased_from_the_artifact_root(tmp_path):
    with tm.connect(f"sqlite:///{tmp_path / 't.db'}", artifacts=(tmp_path / "root").as_uri()) as store:
        blob = store.put_bytes(SECRET.encode())
        kept = store.log_artifact("Report", "r", blob.uri, digest=blob.digest,
                                  properties={"stored": {"digest": blob.digest, "size": blob.size}})
        assert store.artifact_root.exists(blob.digest)
        store.purge(kept, reason="r")
        assert not store.artifact_root.exists(blob.digest)


@pytest.mark.parametrize("tamper", [
    "UPDATE artifacts SET uri = 's3://evil'",
    "UPDATE artifacts SET properties = '{\"rows\": 1}'",
    "UPDATE executions SET params = '{}'",
    "DELETE FROM params",
    "DELETE FROM tags",
    "DELETE FROM events",
])
def test_deep_verify_names_a_row_changed_outside_the_api(sql_store, raw, tamper):
    e = sql_store.start_execution("Train", "t", params={"lr": 0.1})
    data = sql_store.log_artifact("Dataset", "d", "s3://b/d", digest=digest(1), properties={"rows": 2})
    sql_store.link(e, inputs=[data])
    sql_store.set_tag(data, "owner", "ana")
    sql_store.end_execution(e)
    assert sql_store.audit.verify(deep=True).ok
    raw(tamper.replace("'{", "CAST('{").replace("}'", "}' AS JSON)") if sql_store.engine.dialect.name == "postgresql"
        else tamper)
    assert sql_store.audit.verify().ok, "the chain itself is intact"
    report = sql_store.audit.verify(deep=True)
    assert report.ok is False and report.first_bad is not None and "outside the API" in report.reason


def test_a_deleted_or_cut_log_fails_verification(sql_store, raw):
    for n in range(3):
        sql_store.log_artifact("Dataset", f"d{n}", digest=digest(n + 1))
    head = sql_store.audit.verify().head_seq
    raw("DELETE FROM audit_log WHERE seq >= :s", s=head - 1)
    report = sql_store.audit.verify()
    assert report.ok is False and "cut" in report.reason
    raw("DELETE FROM audit_log")
    report = sql_store.audit.verify()
    assert report.ok is False and "empty" in report.reason


def test_a_keyless_store_keys_its_digests_with_its_own_key(tmp_path, no_key):
    path = tmp_path / "k.db"
    with tm.connect(f"sqlite:///{path}") as store:
        store.log_artifact("Dataset", "d", digest=digest(1))
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM audit_keys").fetchone() == (1,)
    con.close()
