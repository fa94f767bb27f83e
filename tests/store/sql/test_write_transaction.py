"""What one write transaction keeps in memory (store/sql/_txn.py): the audit head, webhook
subscriptions, labels; and the audit entries written together before commit."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text

import trailmark as tm
from trailmark.store.sql import _session, _txn


def _digest(n: int) -> str:
    return "sha256:" + f"{n:064x}"


def _graph(store: Any, i: int) -> None:
    """The W1 graph write: an execution with 10 params in a context, 2 artifacts, 2 edges, its end."""
    run = store.start_execution("Train", f"fit-{i}", params={f"p{k}": k for k in range(10)}, context="exp")
    data = store.log_artifact("Dataset", f"d-{i}", digest=_digest(10_000 + i))
    model = store.log_artifact("Model", f"m-{i}", digest=_digest(20_000 + i))
    store.link(run, inputs=[data], outputs=[model])
    store.end_execution(run)


@pytest.fixture
def store(store_uri: str) -> Iterator[tm.Store]:
    with tm.connect(store_uri) as found:
        _graph(found, -1)  # the experiment and the audit key exist
        yield found


def _recording(store: Any) -> list[str]:
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(" ".join(a[2].split())))
    return statements


def _chain(store_uri: str) -> list[tuple[int, str, str]]:
    with tm.connect(store_uri) as store, store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq"))]


def _linear(chain: list[tuple[int, str, str]]) -> bool:
    return [c[0] for c in chain] == list(range(1, len(chain) + 1)) and all(
        after[1] == before[2] for before, after in zip(chain, chain[1:], strict=False))


def test_a_graph_in_a_batch_runs_few_statements(store):
    statements = _recording(store)
    with store.batch() as b:
        for i in range(10):
            _graph(b, i)
    head_reads = [s for s in statements if "FROM audit_log ORDER BY" in s]
    inserts = [s for s in statements if s.startswith("INSERT INTO audit_log")]
    hooks = [s for s in statements if "FROM webhooks" in s]
    assert len(head_reads) == 1 and len(inserts) == 1 and len(hooks) == 1  # once per transaction
    # 16 per graph (28 when each write read the head, the hooks and the contexts, and inserted its entry)
    assert len(statements) <= 10 * 16 + 6, statements
    assert len(store.audit.log(limit=1000)) == 1 + 5 * 11  # the project's entry, then 5 per graph
    assert store.audit.verify(deep=True).ok


def test_entries_of_a_batch_are_written_before_a_read_of_the_log_in_it(store):
    with store.batch() as b:
        made = b.log_artifact("Dataset", "seen", digest=_digest(1))
        assert store.audit.log(target=made.ref)[0].action == "artifact.create"
    assert store.audit.verify(deep=True).ok


def test_another_writer_between_transactions_is_chained_onto(store, store_uri):
    with store.batch() as b:
        _graph(b, 1)
    with tm.connect(store_uri) as other:  # another engine: a writer this store knows nothing of
        _graph(other, 2)
    with store.batch() as b:  # reads the head again, after the other writer's entries
        _graph(b, 3)
    script = ("import sys, trailmark as tm\n"
              "with tm.connect(sys.argv[1]) as s: s.log_artifact('Dataset', 'elsewhere', digest='sha256:' + 'e' * 64)")
    subprocess.run([sys.executable, "-c", script, store_uri], check=True, timeout=120)
    _graph(store, 4)
    assert _linear(_chain(store_uri))
    assert store.audit.verify(deep=True).ok


def test_a_rolled_back_batch_leaves_no_entry_and_the_next_write_chains_onto_the_committed_head(store, store_uri):
    before = _chain(store_uri)
    with pytest.raises(RuntimeError), store.batch() as b:
        _graph(b, 5)
        raise RuntimeError("abandon")
    assert _chain(store_uri) == before
    _graph(store, 5)
    assert _linear(_chain(store_uri))
    assert store.audit.verify(deep=True).ok


def test_a_failed_write_in_a_batch_stores_no_entry(store, store_uri):
    before = _chain(store_uri)
    with pytest.raises(tm.TrailmarkError), store.batch() as b:
        run = b.start_execution("Train", "half")
        b.end_execution(run)
        b.end_execution(run)  # ended twice: the whole batch fails
    assert _chain(store_uri) == before


def test_a_webhook_added_in_a_batch_hears_the_writes_after_it(store):
    with store.batch() as b:
        b.log_artifact("Model", "before", digest=_digest(2))  # the hooks are read (none yet)
        hook = store.webhooks.add("http://127.0.0.1:9/hook", events=["model.version.created"])
        b.log_artifact("Model", "after", digest=_digest(3))
    assert [d.subject for d in store.webhooks.deliveries(hook.id)] == ["model:after@1"]


def test_a_label_added_in_a_batch_spreads_along_its_later_links(store):
    with store.batch() as b:
        data = b.log_artifact("Dataset", "people", digest=_digest(4))
        store.classify(data.value, "PII")
        run = b.start_execution("Train", "on-people")
        b.link(run, inputs=[data])
    assert [c.label for c in store.classifications(run.value)] == ["PII"]


def test_an_entry_that_cannot_be_written_fails_the_batch_even_when_the_error_was_caught(store, store_uri):
    before = _chain(store_uri)
    with pytest.raises(tm.TrailmarkError, match="could not be written"), store.batch() as b:
        b.log_artifact("Dataset", "clash", digest=_digest(6))
        conn = _session._joined(store.engine).conn  # the batch's own connection
        taken = _txn.of(conn).head[0]  # the seq of the entry waiting to be written
        conn.execute(text("INSERT INTO audit_log (seq, time, actor, action, target, change, prev_hash, hash) "
                          "VALUES (:seq, CURRENT_TIMESTAMP, 'x', 'x', 'x', 'x', 'x', 'x')"), {"seq": taken})
        with pytest.raises(tm.ConflictError):
            store.audit.log(limit=1)  # a read in the batch writes its entries first: the seq is taken
    assert _chain(store_uri) == before
    assert store.search("name = 'clash'").items == []
