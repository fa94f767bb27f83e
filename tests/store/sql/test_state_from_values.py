"""The audit state digest built from the values written equals the one read back from the rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text

import trailmark as tm
from tests.store.sql.built_states import compare_built_states


def _digest(n: int) -> str:
    return "sha256:" + f"{n:064x}"


@pytest.fixture
def checked(store_uri: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[tm.Store, dict[str, list[Any]]]]:
    """A store whose every built state is compared with the rows, noted as built, read or wrong."""
    seen = compare_built_states(monkeypatch)
    with tm.connect(store_uri) as store:
        yield store, seen


def _writes(store: tm.Store) -> None:
    run = store.start_execution("Train", "fit", params={"b": 1.5, "a": "text", "Z_x": [1, 2], "n": None,
                                                        "flag": True, "small": 1e-7}, context="exp")
    store.set_tag(run, "owner", "ana")
    store.set_tag(run, "owner", "bo")
    store.set_tag(run, "a_b", "1")
    store.log_params(run, {"c": 3, "b": 2})
    data = store.log_artifact("Dataset", "raw", "file:///raw", digest=_digest(1), properties={"p": (1, 2)})
    again = store.log_artifact("Dataset", "raw", "file:///raw", digest=_digest(1), properties={"p": (1, 2)})
    assert again.id == data.id
    store.set_tag(data, "split", "train")
    model = store.log_artifact("Model", "m", digest=_digest(2))
    store.link(run, inputs=[data], outputs=[model], roles={data.id: "train"})
    store.link(run, inputs=[data], roles={data.id: "other"})  # the edge is there: its role stays
    store.log_metric_points(run, [tm.Metric("loss", 0.5, 0, run.started_at)])
    store.end_execution(run, status="FAILED", error="boom", resources={"cpu_seconds": 1.0})
    with store.batch() as b:
        step = b.start_execution("Step", "s", params={"q": 1})
        b.log_params(step, {"r": 2})
        b.end_execution(step)


def test_built_states_match_the_rows_and_deep_verify_passes(checked):
    store, seen = checked
    _writes(store)
    assert seen["wrong"] == []
    assert seen["read"] == []  # every state of these writes was built, none read
    assert sorted(set(seen["built"])) == ["artifact.create", "execution.end", "execution.start", "link",
                                          "params.log", "tag.set"]
    report = store.audit.verify(deep=True)
    assert report.ok, report.reason
    assert report.rows >= 4


def test_another_writer_makes_the_next_write_read_the_rows(checked, store_uri):
    store, seen = checked
    run = store.start_execution("Train", "fit")
    with tm.connect(store_uri) as other:
        other.set_tag(run.ref, "by", "other")  # an entry this store did not write: what it knew is stale
    store.set_tag(run, "mine", "1")
    assert seen["read"] == ["tag.set", "tag.set"]  # the other store knew nothing of the run either
    assert seen["wrong"] == []
    assert store.audit.verify(deep=True).ok


def test_a_rolled_back_batch_leaves_nothing_known(checked):
    store, seen = checked
    run = store.start_execution("Train", "fit")
    with pytest.raises(RuntimeError), store.batch() as b:
        b.set_tag(run, "k", "gone")
        raise RuntimeError("abandon")
    store.set_tag(run, "k", "kept")
    assert seen["read"] == ["tag.set"]  # the head moved back: the state is read, not built on the lost tag
    assert seen["wrong"] == []
    assert store.audit.verify(deep=True).ok


def test_a_float_jsonb_rewrites_is_read_back_on_postgresql(checked, store_uri):
    store, seen = checked
    store.start_execution("Train", "fit", params={"big": 1e20})
    assert seen["wrong"] == []
    assert seen["read"] == (["execution.start"] if store_uri.startswith("postgresql") else [])
    assert store.audit.verify(deep=True).ok


def _graph(store: tm.Store, i: int) -> None:
    run = store.start_execution("Train", f"fit-{i}", params={f"p{k}": k for k in range(10)}, context="exp")
    data = store.log_artifact("Dataset", f"d-{i}", digest=_digest(10 + i))
    model = store.log_artifact("Model", f"m-{i}", digest=_digest(100 + i))
    store.link(run, inputs=[data], outputs=[model])
    store.end_execution(run)


def test_a_graph_write_runs_few_statements(store_uri):
    with tm.connect(store_uri) as store:
        _graph(store, 0)  # the first makes the experiment and the audit key
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        _graph(store, 1)
        written = list(statements)
        with store.engine.connect() as conn:  # the rows the statements wrote are there
            assert conn.execute(text("SELECT count(*) FROM events")).scalar() == 4
        assert store.audit.verify(deep=True).ok
    # 5 transactions, each with the audit head and entry (62 statements before the write path was cut)
    assert len(written) <= 36, written  # PostgreSQL: no BEGIN, but the chain and series locks
